// Schema changes, in order, applied at start. Each runs once; the list only ever grows.
// On PostgreSQL an advisory lock serializes nodes that start together.
import { sql } from 'kysely';
import type { Db, StoreKind } from './database.ts';

interface Migration {
  name: string;
  up(db: Db, kind: StoreKind): Promise<void>;
}

const autoIncrement = (kind: StoreKind) => (kind === 'postgres' ? 'bigserial' : 'integer');

const MIGRATIONS: Migration[] = [
  {
    name: 'sessions-and-auth-state',
    async up(db) {
      await db.schema
        .createTable('sessions')
        .addColumn('name', 'text', (column) => column.primaryKey())
        .addColumn('config', 'text', (column) => column.notNull())
        .addColumn('enabled', 'integer', (column) => column.notNull().defaultTo(0))
        .addColumn('created_at', 'bigint', (column) => column.notNull())
        .addColumn('updated_at', 'bigint', (column) => column.notNull())
        .execute();
      await db.schema
        .createTable('auth_state')
        .addColumn('session', 'text', (column) => column.notNull())
        .addColumn('category', 'text', (column) => column.notNull())
        .addColumn('id', 'text', (column) => column.notNull())
        .addColumn('value', 'text', (column) => column.notNull())
        .addPrimaryKeyConstraint('auth_state_pk', ['session', 'category', 'id'])
        .execute();
    },
  },
  {
    name: 'messages-chats-contacts',
    async up(db) {
      await db.schema
        .createTable('messages')
        .addColumn('session', 'text', (column) => column.notNull())
        .addColumn('chat_id', 'text', (column) => column.notNull())
        .addColumn('id', 'text', (column) => column.notNull())
        .addColumn('from_me', 'integer', (column) => column.notNull())
        .addColumn('timestamp', 'bigint', (column) => column.notNull())
        .addColumn('ack', 'integer', (column) => column.notNull().defaultTo(0))
        .addColumn('payload', 'text', (column) => column.notNull())
        .addColumn('raw', 'text', (column) => column.notNull())
        .addPrimaryKeyConstraint('messages_pk', ['session', 'chat_id', 'id'])
        .execute();
      await db.schema.createIndex('messages_by_chat_time').on('messages').columns(['session', 'chat_id', 'timestamp']).execute();
      await db.schema
        .createTable('chats')
        .addColumn('session', 'text', (column) => column.notNull())
        .addColumn('id', 'text', (column) => column.notNull())
        .addColumn('name', 'text')
        .addColumn('last_message_at', 'bigint', (column) => column.notNull().defaultTo(0))
        .addColumn('unread_count', 'integer', (column) => column.notNull().defaultTo(0))
        .addColumn('archived', 'integer', (column) => column.notNull().defaultTo(0))
        .addColumn('pinned', 'integer', (column) => column.notNull().defaultTo(0))
        .addPrimaryKeyConstraint('chats_pk', ['session', 'id'])
        .execute();
      await db.schema.createIndex('chats_by_activity').on('chats').columns(['session', 'last_message_at']).execute();
      await db.schema
        .createTable('contacts')
        .addColumn('session', 'text', (column) => column.notNull())
        .addColumn('id', 'text', (column) => column.notNull())
        .addColumn('name', 'text')
        .addColumn('push_name', 'text')
        .addColumn('updated_at', 'bigint', (column) => column.notNull())
        .addPrimaryKeyConstraint('contacts_pk', ['session', 'id'])
        .execute();
    },
  },
  {
    name: 'events-and-outbox',
    async up(db, kind) {
      await db.schema
        .createTable('events')
        .addColumn('seq', sql.raw(autoIncrement(kind)), (column) => column.primaryKey().$call((c) => (kind === 'sqlite' ? c.autoIncrement() : c)))
        .addColumn('id', 'text', (column) => column.notNull().unique())
        .addColumn('session', 'text', (column) => column.notNull())
        .addColumn('name', 'text', (column) => column.notNull())
        .addColumn('body', 'text', (column) => column.notNull())
        .addColumn('created_at', 'bigint', (column) => column.notNull())
        .execute();
      await db.schema.createIndex('events_by_session').on('events').columns(['session', 'seq']).execute();
      await db.schema
        .createTable('outbox')
        .addColumn('seq', sql.raw(autoIncrement(kind)), (column) => column.primaryKey().$call((c) => (kind === 'sqlite' ? c.autoIncrement() : c)))
        .addColumn('event_id', 'text', (column) => column.notNull())
        .addColumn('session', 'text', (column) => column.notNull())
        .addColumn('lane', 'text', (column) => column.notNull())
        .addColumn('receiver', 'text', (column) => column.notNull())
        .addColumn('body', 'text', (column) => column.notNull())
        .addColumn('attempts', 'integer', (column) => column.notNull().defaultTo(0))
        .addColumn('next_attempt_at', 'bigint', (column) => column.notNull())
        .addColumn('locked_by', 'text')
        .addColumn('locked_until', 'bigint')
        .addColumn('status', 'text', (column) => column.notNull().defaultTo('pending'))
        .addColumn('last_error', 'text')
        .execute();
      await db.schema.createIndex('outbox_pending_by_lane').on('outbox').columns(['status', 'lane', 'seq']).execute();
      await db.schema.createIndex('outbox_due').on('outbox').columns(['status', 'next_attempt_at']).execute();
    },
  },
  {
    // Pages are ordered by (timestamp, id); without id in the index every page sorts its rows and
    // a deep offset reads each skipped message from the table (bench read: 40x slower at 10,000).
    name: 'messages-index-orders-pages',
    async up(db) {
      await db.schema.createIndex('messages_by_chat_time_id').on('messages').columns(['session', 'chat_id', 'timestamp', 'id']).execute();
      await db.schema.dropIndex('messages_by_chat_time').execute();
    },
  },
  {
    // Every event was also written to an `events` table that nothing ever read: three rows per sent
    // message, growing forever. The outbox keeps what must be delivered; the store keeps its effects.
    name: 'drop-unread-event-log',
    async up(db) {
      await db.schema.dropTable('events').execute();
    },
  },
  {
    // Admin, session, media and control keys (src/keys). Only the SHA-512 of a key is kept; the
    // unique index on it is how a presented key is found.
    name: 'api-keys',
    async up(db) {
      await db.schema
        .createTable('api_keys')
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('key_hash', 'text', (column) => column.notNull().unique())
        .addColumn('key_hint', 'text', (column) => column.notNull())
        .addColumn('purpose', 'text', (column) => column.notNull().defaultTo('general'))
        .addColumn('is_admin', 'integer', (column) => column.notNull())
        .addColumn('is_active', 'integer', (column) => column.notNull())
        .addColumn('session', 'text')
        .addColumn('actions', 'text')
        .addColumn('created_at', 'bigint', (column) => column.notNull())
        .execute();
      await db.schema.createIndex('api_keys_by_session').on('api_keys').columns(['session', 'purpose']).execute();
    },
  },
];

async function applyPending(db: Db, kind: StoreKind): Promise<void> {
  await db.schema
    .createTable('zapd_migrations')
    .ifNotExists()
    .addColumn('id', 'integer', (column) => column.primaryKey())
    .addColumn('name', 'text', (column) => column.notNull())
    .addColumn('applied_at', 'bigint', (column) => column.notNull())
    .execute();
  const applied = new Set((await db.selectFrom('zapd_migrations').select('id').execute()).map((row) => Number(row.id)));
  for (const [index, migration] of MIGRATIONS.entries()) {
    const id = index + 1;
    if (applied.has(id)) continue;
    await db.transaction().execute(async (trx) => {
      await migration.up(trx, kind);
      await trx.insertInto('zapd_migrations').values({ id, name: migration.name, applied_at: Date.now() }).execute();
    });
  }
}

export async function migrate(db: Db, kind: StoreKind): Promise<void> {
  if (kind === 'sqlite') return applyPending(db, kind);
  await db.connection().execute(async (connection) => {
    await sql`select pg_advisory_lock(727001)`.execute(connection);
    try {
      await applyPending(connection, kind);
    } finally {
      await sql`select pg_advisory_unlock(727001)`.execute(connection);
    }
  });
}
