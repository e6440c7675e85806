// The api_keys table (migration 'api-keys'), on SQLite and PostgreSQL alike.
import type { Db } from '../store/database.ts';
import type { KeyPurpose, SessionActions, StoredKey } from './model.ts';

interface ApiKeysTable {
  id: string;
  key_hash: string;
  key_hint: string;
  purpose: string;
  is_admin: number;
  is_active: number;
  session: string | null;
  actions: string | null;
  created_at: number | string;
}

type Row = ApiKeysTable;

function fromRow(row: Row): StoredKey {
  return {
    id: row.id,
    keyHash: row.key_hash,
    keyHint: row.key_hint,
    purpose: (['media', 'control'].includes(row.purpose) ? row.purpose : 'general') as KeyPurpose,
    isAdmin: row.is_admin === 1,
    isActive: row.is_active === 1,
    session: row.session,
    actions: row.actions === null ? null : (JSON.parse(row.actions) as Partial<SessionActions>),
    createdAt: Number(row.created_at),
  };
}

function toRow(key: StoredKey): Row {
  return {
    id: key.id,
    key_hash: key.keyHash,
    key_hint: key.keyHint,
    purpose: key.purpose,
    is_admin: key.isAdmin ? 1 : 0,
    is_active: key.isActive ? 1 : 0,
    session: key.session,
    actions: key.actions === null ? null : JSON.stringify(key.actions),
    created_at: key.createdAt,
  };
}

export interface KeyRepository {
  insert(key: StoredKey): Promise<void>;
  /** Replaces every column but the id; false when no such key exists. */
  replace(key: StoredKey): Promise<boolean>;
  remove(id: string): Promise<boolean>;
  byId(id: string): Promise<StoredKey | undefined>;
  byHash(hash: string): Promise<StoredKey | undefined>;
  /** The oldest key of that purpose on that session (media and control keys are one per session). */
  bySessionPurpose(session: string, purpose: KeyPurpose): Promise<StoredKey | undefined>;
  list(): Promise<StoredKey[]>;
}

export function keyRepository(database: Db): KeyRepository {
  const db = database.withTables<{ api_keys: ApiKeysTable }>();
  return {
    async insert(key) {
      await db.insertInto('api_keys').values(toRow(key)).execute();
    },
    async replace(key) {
      const { id, ...columns } = toRow(key);
      const result = await db.updateTable('api_keys').set(columns).where('id', '=', id).executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    async remove(id) {
      const result = await db.deleteFrom('api_keys').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
    async byId(id) {
      const row = await db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? fromRow(row) : undefined;
    },
    async byHash(hash) {
      const row = await db.selectFrom('api_keys').selectAll().where('key_hash', '=', hash).executeTakeFirst();
      return row ? fromRow(row) : undefined;
    },
    async bySessionPurpose(session, purpose) {
      const row = await db.selectFrom('api_keys').selectAll().where('session', '=', session).where('purpose', '=', purpose).orderBy('created_at').orderBy('id').executeTakeFirst();
      return row ? fromRow(row) : undefined;
    },
    async list() {
      return (await db.selectFrom('api_keys').selectAll().orderBy('created_at').orderBy('id').execute()).map(fromRow);
    },
  };
}
