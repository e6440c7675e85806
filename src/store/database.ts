// One Kysely handle over either SQLite (better-sqlite3, the zero-config default) or PostgreSQL.
// Every query in src/store is written once and runs on both, so column types stay portable:
// timestamps are integer milliseconds, booleans are 0/1 integers, JSON is text.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, type Generated, type SqliteDatabase } from 'kysely';
import pg from 'pg';

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

export function connect(options: { databaseUrl?: string; dataDir: string }): { db: Db; kind: StoreKind } {
  if (options.databaseUrl) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 10 });
    return { db: new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) }), kind: 'postgres' };
  }
  mkdirSync(options.dataDir, { recursive: true });
  const sqlite = new Database(join(options.dataDir, 'zapd.sqlite'));
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  return { db: new Kysely<Schema>({ dialect: new SqliteDialect({ database: reusingStatements(sqlite) }) }), kind: 'sqlite' };
}

const STATEMENT_CACHE_SIZE = 500;

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
