import type { Db } from './database.ts';
import { precompiled } from './precompiled.ts';
import type { AuthStateChange, AuthStateRepository, SessionRepository, StoredSession } from './repositories.ts';
import { retryWhileUnavailable } from './unavailable.ts';

interface SessionRow {
  name: string;
  config: string;
  enabled: number;
  created_at: number | string;
  updated_at: number | string;
}

function toStoredSession(row: SessionRow): StoredSession {
  return {
    name: row.name,
    config: JSON.parse(row.config) as Record<string, unknown>,
    enabled: Number(row.enabled) === 1,
    createdAt: new Date(Number(row.created_at)),
    updatedAt: new Date(Number(row.updated_at)),
  };
}

/**
 * Sessions are read for every batch of recorded events (which webhooks want them), several times
 * per message; they change only through this repository. Reads are kept for a second, and dropped
 * at once by this process's own writes; another zapd node sharing PostgreSQL sees a change after
 * at most that second.
 */
const CACHE_MS = 1_000;

export function sessionRepository(db: Db): SessionRepository {
  const cache = new Map<string, { session: StoredSession | undefined; at: number }>();
  // Called before and after each write, so a read racing the write cannot keep the old row.
  const forget = (name: string) => cache.delete(name);
  return {
    async list() {
      const rows = await db.selectFrom('sessions').selectAll().orderBy('created_at').orderBy('name').execute();
      return rows.map(toStoredSession);
    },
    async get(name) {
      const cached = cache.get(name);
      if (cached && Date.now() - cached.at < CACHE_MS) return cached.session;
      const at = Date.now();
      const row = await db.selectFrom('sessions').selectAll().where('name', '=', name).executeTakeFirst();
      const session = row ? toStoredSession(row) : undefined;
      cache.set(name, { session, at });
      return session;
    },
    async create(session) {
      forget(session.name);
      const now = Date.now();
      const result = await db
        .insertInto('sessions')
        .values({ name: session.name, config: JSON.stringify(session.config), enabled: session.enabled ? 1 : 0, created_at: now, updated_at: now })
        .onConflict((conflict) => conflict.column('name').doNothing())
        .executeTakeFirst();
      forget(session.name);
      return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
    },
    async update(name, changes) {
      forget(name);
      const result = await db
        .updateTable('sessions')
        .set({
          updated_at: Date.now(),
          ...(changes.config !== undefined ? { config: JSON.stringify(changes.config) } : {}),
          ...(changes.enabled !== undefined ? { enabled: changes.enabled ? 1 : 0 } : {}),
        })
        .where('name', '=', name)
        .executeTakeFirst();
      forget(name);
      return Number(result.numUpdatedRows) > 0;
    },
    async delete(name) {
      forget(name);
      const deleted = await db.transaction().execute(async (trx) => {
        await trx.deleteFrom('auth_state').where('session', '=', name).execute();
        await trx.deleteFrom('messages').where('session', '=', name).execute();
        await trx.deleteFrom('chats').where('session', '=', name).execute();
        await trx.deleteFrom('contacts').where('session', '=', name).execute();
        const result = await trx.deleteFrom('sessions').where('name', '=', name).executeTakeFirst();
        return Number(result.numDeletedRows) > 0;
      });
      forget(name);
      return deleted;
    },
  };
}

/** Keeps each statement's parameter count well under SQLite's and PostgreSQL's limits. */
const BATCH = 200;

const FEW = 4;

// Baileys reads and writes one key at a time for every message (its Signal session): compiled once.
type KeyAddress = { session: string; category: string; id: string };
const readKey = precompiled<KeyAddress>((db, arg) =>
  db.selectFrom('auth_state').select(['id', 'value']).where('session', '=', arg('session')).where('category', '=', arg('category')).where('id', '=', arg('id')),
);
const deleteKey = precompiled<KeyAddress>((db, arg) =>
  db.deleteFrom('auth_state').where('session', '=', arg('session')).where('category', '=', arg('category')).where('id', '=', arg('id')),
);
const writeKey = precompiled<KeyAddress & { value: string }>((db, arg) =>
  db
    .insertInto('auth_state')
    .values({ session: arg('session'), category: arg('category'), id: arg('id'), value: arg('value') })
    .onConflict((conflict) => conflict.columns(['session', 'category', 'id']).doUpdateSet((eb) => ({ value: eb.ref('excluded.value') }))),
);

/**
 * Baileys reads and writes keys while it decrypts a received message, and a failure there loses the
 * message's decryption for good; a lost connection is retried (every change here is idempotent).
 */
export function authStateRepository(db: Db): AuthStateRepository {
  const repository = directAuthStateRepository(db);
  return {
    get: (session, category, ids) => retryWhileUnavailable(() => repository.get(session, category, ids)),
    write: (session, changes) => retryWhileUnavailable(() => repository.write(session, changes)),
    list: (session, category) => retryWhileUnavailable(() => repository.list(session, category)),
    clear: (session) => retryWhileUnavailable(() => repository.clear(session)),
  };
}

function directAuthStateRepository(db: Db): AuthStateRepository {
  return {
    async get(session, category, ids) {
      const found = new Map<string, string>();
      if (ids.length === 1) {
        const [row] = (await readKey(db, { session, category, id: ids[0] ?? '' })).rows as Array<{ id: string; value: string }>;
        if (row) found.set(row.id, row.value);
        return found;
      }
      for (let start = 0; start < ids.length; start += BATCH) {
        const rows = await db
          .selectFrom('auth_state')
          .select(['id', 'value'])
          .where('session', '=', session)
          .where('category', '=', category)
          .where('id', 'in', ids.slice(start, start + BATCH))
          .execute();
        for (const row of rows) found.set(row.id, row.value);
      }
      return found;
    },
    async write(session, changes: AuthStateChange[]) {
      if (changes.length === 0) return;
      await db.transaction().execute(async (trx) => {
        const deletions = changes.filter((change) => change.value === null);
        for (const change of deletions) await deleteKey(trx, { session, category: change.category, id: change.id });
        const upserts = changes.filter((change): change is AuthStateChange & { value: string } => change.value !== null);
        // A message's ratchet step writes one or two keys; a pre-key upload writes hundreds, by the batch.
        if (upserts.length <= FEW) {
          for (const change of upserts) await writeKey(trx, { session, category: change.category, id: change.id, value: change.value });
          return;
        }
        for (let start = 0; start < upserts.length; start += BATCH) {
          await trx
            .insertInto('auth_state')
            .values(upserts.slice(start, start + BATCH).map((change) => ({ session, category: change.category, id: change.id, value: change.value })))
            .onConflict((conflict) => conflict.columns(['session', 'category', 'id']).doUpdateSet((eb) => ({ value: eb.ref('excluded.value') })))
            .execute();
        }
      });
    },
    async list(session, category) {
      const rows = await db.selectFrom('auth_state').select(['id', 'value']).where('session', '=', session).where('category', '=', category).execute();
      return new Map(rows.map((row) => [row.id, row.value]));
    },
    async clear(session) {
      await db.deleteFrom('auth_state').where('session', '=', session).execute();
    },
  };
}
