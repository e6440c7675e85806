// One Kysely handle over either SQLite (better-sqlite3, the zero-config default) or PostgreSQL.
// Every query in src/store is written once and runs on both, so column types stay portable:
// timestamps are integer milliseconds, booleans are 0/1 integers, JSON is text.
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, type Generated, type PostgresPool, type PostgresPoolClient, type SqliteDatabase } from 'kysely';
import pg from 'pg';
import type { Logger } from 'pino';

export interface SessionsTable {
  name: string;
  config: string;
  enabled: number;
  created_at: number | string;
  updated_at: number | string;
}

export interface AuthStateTable {
  session: string;
  category: string;
  id: string;
  value: string;
}

export interface MigrationsTable {
  id: number;
  name: string;
  applied_at: number | string;
}

export interface MessagesTable {
  session: string;
  chat_id: string;
  id: string;
  from_me: number;
  timestamp: number | string;
  payload: string;
  raw: string;
  ack: number;
}

export interface ChatsTable {
  session: string;
  id: string;
  name: string | null;
  last_message_at: number | string;
  unread_count: number;
  archived: number;
  pinned: number;
}

export interface ContactsTable {
  session: string;
  id: string;
  name: string | null;
  push_name: string | null;
  updated_at: number | string;
}

export interface OutboxTable {
  seq: Generated<number>;
  event_id: string;
  session: string;
  lane: string;
  receiver: string;
  body: string;
  attempts: number;
  next_attempt_at: number | string;
  locked_by: string | null;
  locked_until: number | string | null;
  status: string;
  last_error: string | null;
}

export interface Schema {
  zapd_migrations: MigrationsTable;
  sessions: SessionsTable;
  auth_state: AuthStateTable;
  messages: MessagesTable;
  chats: ChatsTable;
  contacts: ContactsTable;
  outbox: OutboxTable;
}

export type Db = Kysely<Schema>;
export type StoreKind = 'sqlite' | 'postgres';

// PostgreSQL returns BIGINT as text to avoid precision loss; our values are milliseconds, well inside 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

/** How long a query waits for a connection before it fails (and is answered 503) instead of hanging. */
const CONNECT_TIMEOUT_MS = 10_000;

export function connect(options: { databaseUrl?: string; dataDir: string; logger?: Logger }): { db: Db; kind: StoreKind } {
  if (options.databaseUrl) {
    // `application_name` names zapd's backends in pg_stat_activity; one given in the URL wins.
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 10, application_name: 'zapd', connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
    survivingLostConnections(pool, options.logger);
    return { db: new Kysely<Schema>({ dialect: new PostgresDialect({ pool: preparingStatements(pool) }) }), kind: 'postgres' };
  }
  mkdirSync(options.dataDir, { recursive: true });
  const sqlite = new Database(join(options.dataDir, 'zapd.sqlite'));
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  return { db: new Kysely<Schema>({ dialect: new SqliteDialect({ database: reusingStatements(sqlite) }) }), kind: 'sqlite' };
}

/**
 * A backend that goes away (pg_terminate_backend, a PostgreSQL restart, a dropped socket) makes its
 * client emit 'error', and an EventEmitter's unheard 'error' ends the process. The pool re-emits the
 * errors of idle clients; a checked-out client's would go unheard between two queries. So both get
 * a listener: the broken client is dropped by the pool when it is released (it is no longer
 * queryable), the query that was running on it fails and is answered 503, and the next query opens
 * a new connection.
 */
function survivingLostConnections(pool: pg.Pool, logger: Logger | undefined): void {
  const report = (error: Error) => logger?.warn({ err: error }, 'a PostgreSQL connection was lost; the next query reconnects');
  pool.on('error', report);
  pool.on('connect', (client) => {
    // The pool's own listener (for idle clients) reports through the pool; this one covers the rest.
    client.on('error', (error) => {
      if (client.listenerCount('error') === 1) report(error);
    });
  });
}

const STATEMENT_CACHE_SIZE = 500;
/** Runs of one SQL text before PostgreSQL keeps it prepared, and how many texts it keeps at most. */
const PREPARE_AFTER_RUNS = 3;
const PREPARED_STATEMENTS = 200;

/**
 * Kysely's PostgreSQL driver sends every query unnamed, so the server parses and plans it each
 * time: for a page of history that was a fifth of the query's time. A text run repeatedly (the
 * statements compiled once, see precompiled.ts) becomes a named prepared statement, which each
 * connection parses once. Texts built with a variable number of values never stop appearing, so
 * only the first few hundred are kept.
 */
function preparingStatements(pool: pg.Pool): PostgresPool {
  const runs = new Map<string, number>();
  const names = new Map<string, string>();
  const unnamed = new Set<string>();
  let preparing = true;
  const nameOf = (text: string): string | undefined => {
    if (!preparing || unnamed.has(text)) return undefined;
    const known = names.get(text);
    if (known || names.size >= PREPARED_STATEMENTS) return known;
    const count = (runs.get(text) ?? 0) + 1;
    if (count < PREPARE_AFTER_RUNS) {
      if (runs.size >= STATEMENT_CACHE_SIZE) runs.clear();
      runs.set(text, count);
      return undefined;
    }
    runs.delete(text);
    const name = `zapd_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
    names.set(text, name);
    return name;
  };
  const wrapped = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  return {
    async connect() {
      const client = await pool.connect();
      let wrapper = wrapped.get(client);
      if (!wrapper) {
        const query = (text: string | pg.Submittable, values?: readonly unknown[]) => {
          // A cursor (a streamed query) goes through as it is.
          if (typeof text !== 'string') return client.query(text);
          const name = nameOf(text);
          if (!name) return client.query(text, values ? [...values] : undefined);
          return client.query({ name, text, values: [...(values ?? [])] }).catch((error: unknown) => {
            const code = (error as { code?: unknown }).code;
            // A pooler that does not keep prepared statements (PgBouncer in transaction mode before
            // 1.21) loses them between queries: stop naming any. A table changed under a prepared
            // statement (another node migrated) fails it for good: stop naming that one. Neither ran.
            if (code === '26000') preparing = false;
            else if (code === '0A000' && /cached plan/.test(String((error as Error).message))) unnamed.add(text);
            else throw error;
            names.delete(text);
            return client.query(text, values ? [...values] : undefined);
          });
        };
        // Kysely types the two overloads (text and values, or a cursor) apart; this one function serves both.
        wrapper = { query: query as unknown as PostgresPoolClient['query'], release: () => client.release() };
        wrapped.set(client, wrapper);
      }
      return wrapper;
    },
    end: () => pool.end(),
  };
}

/**
 * Kysely's SQLite driver prepares every query anew; compiling the same few dozen SQL texts again for
 * each message was a tenth of the inbound path's CPU. Statements are reused by SQL text (they are
 * only ever run to completion, never streamed, so one cannot be busy when it is picked again).
 */
function reusingStatements(sqlite: Database.Database): SqliteDatabase {
  const statements = new Map<string, Database.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sql: string) {
      let statement = statements.get(sql);
      if (!statement) {
        // Queries built with a variable number of values (IN lists, multi-row inserts) make new texts; forget them all now and then.
        if (statements.size >= STATEMENT_CACHE_SIZE) statements.clear();
        statement = sqlite.prepare(sql);
        statements.set(sql, statement);
      }
      return statement;
    },
  };
}
