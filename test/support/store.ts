// A real store for unit tests of the store layer: a fresh SQLite file, or a fresh PostgreSQL schema.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { openStore, type OpenedStore } from '../../src/store/index.ts';
import { freshPostgresUrl } from './zapd.ts';

export async function withFreshStore(backend: 'sqlite' | 'postgres', run: (store: OpenedStore) => Promise<void>): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'zapd-store-'));
  const database = backend === 'postgres' ? await freshPostgresUrl() : undefined;
  const store = await openStore({ dataDir, logger: pino({ level: 'silent' }), ...(database ? { databaseUrl: database.url } : {}) });
  try {
    await run(store);
  } finally {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
    await database?.drop();
  }
}
