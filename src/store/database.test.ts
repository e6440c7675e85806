// On PostgreSQL, SQL texts run again and again become named prepared statements; a statement that
// cannot be kept (a table changed under it, a pooler that forgets them) falls back to unnamed
// queries instead of failing.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { sql } from 'kysely';
import pino from 'pino';
import { freshPostgresUrl, storeBackends } from '../../test/support/zapd.ts';
import { openStore } from './index.ts';

test('PostgreSQL keeps repeated statements prepared and survives losing them', { skip: !storeBackends().includes('postgres') && 'no ZAPD_TEST_DATABASE_URL' }, async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'zapd-prepared-'));
  const database = await freshPostgresUrl();
  const store = await openStore({ dataDir, logger: pino({ level: 'silent' }), databaseUrl: database.url });
  try {
    await store.db.connection().execute(async (connection) => {
      const prepared = async () => (await sql<{ name: string }>`select name from pg_prepared_statements`.execute(connection)).rows.map((row) => row.name);
      const chatsOf = (session: string) => sql<Record<string, unknown>>`select * from chats where session = ${session}`.execute(connection);
      await sql`insert into chats (session, id, last_message_at) values (${'s'}, ${'1@c.us'}, ${1})`.execute(connection);
      const before = await prepared();
      for (let run = 0; run < 4; run++) await chatsOf('s');
      assert.equal((await prepared()).filter((name) => name.startsWith('zapd_') && !before.includes(name)).length, 1, 'the repeated text is prepared once');

      // Another node migrates: the prepared `select *` can no longer run, the text goes unnamed.
      await store.db.schema.alterTable('chats').addColumn('added_by_test', 'text').execute();
      const [chat] = (await chatsOf('s')).rows;
      assert.ok(chat && 'added_by_test' in chat, 'the query ran again, unnamed, and sees the new column');

      // A pooler drops every prepared statement: naming stops altogether.
      const countOf = (session: string) => sql`select count(*) from messages where session = ${session}`.execute(connection);
      for (let run = 0; run < 3; run++) await countOf('s');
      await sql`deallocate all`.execute(connection);
      await countOf('s');
      const later = (session: string) => sql`select count(*) from contacts where session = ${session}`.execute(connection);
      for (let run = 0; run < 4; run++) await later('s');
      assert.deepEqual(await prepared(), [], 'nothing is prepared any more');
    });
  } finally {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
    await database.drop();
  }
});
