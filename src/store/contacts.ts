// People the session has heard from, with the push name they announce.
import type { Db } from './database.ts';
import { precompiled } from './precompiled.ts';

export interface StoredContact {
  id: string;
  name: string | null;
  pushname: string | null;
}

// Runs for every message received, so it is compiled once (see precompiled.ts).
const rememberContact = precompiled<{ session: string; id: string; push_name: string; updated_at: number }>((db, arg) =>
  db
    .insertInto('contacts')
    .values({ session: arg('session'), id: arg('id'), name: null, push_name: arg('push_name'), updated_at: arg('updated_at') })
    .onConflict((conflict) => conflict.columns(['session', 'id']).doUpdateSet((eb) => ({ push_name: eb.ref('excluded.push_name'), updated_at: eb.ref('excluded.updated_at') }))),
);

export class ContactRepository {
  constructor(private readonly db: Db) {}

  static async remember(db: Db, session: string, id: string, pushName: string): Promise<void> {
    await rememberContact(db, { session, id, push_name: pushName, updated_at: Date.now() });
  }

  async get(session: string, id: string): Promise<StoredContact | undefined> {
    const row = await this.db.selectFrom('contacts').selectAll().where('session', '=', session).where('id', '=', id).executeTakeFirst();
    return row ? { id: row.id, name: row.name, pushname: row.push_name } : undefined;
  }

  async list(session: string, limit: number, offset: number): Promise<StoredContact[]> {
    const rows = await this.db.selectFrom('contacts').selectAll().where('session', '=', session).orderBy('id').limit(limit).offset(offset).execute();
    return rows.map((row) => ({ id: row.id, name: row.name, pushname: row.push_name }));
  }
}
