import type { Logger } from 'pino';
import { sql } from 'kysely';
import { connect, type Db } from './database.ts';
import { migrate } from './migrations.ts';
import type { Store } from './repositories.ts';
import { authStateRepository, sessionRepository } from './sessions.ts';

export interface OpenStoreOptions {
  databaseUrl?: string;
  dataDir: string;
  logger: Logger;
}

export interface OpenedStore extends Store {
  /** The query handle, for repositories that live outside this folder (delivery, messages). */
  readonly db: Db;
  /** A cheap round trip, for health checks. */
  ping(): Promise<void>;
}

export async function openStore(options: OpenStoreOptions): Promise<OpenedStore> {
  const { db, kind } = connect(options);
  try {
    await migrate(db, kind);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  options.logger.info({ store: kind }, 'store ready');
  return {
    kind,
    db,
    sessions: sessionRepository(db),
    authState: authStateRepository(db),
    async ping() {
      await sql`select 1`.execute(db);
    },
    close: () => db.destroy(),
  };
}
