// People the session has heard from, with the push name they announce.
import type { Db } from './database.ts';

export interface StoredContact {
  id: string;
  name: string | null;
  pushname: string | null;
}

export class ContactRepository {
  constructor(private readonly db: Db) {}

  static async remember(db: Db, session: string, id: string, pushName: string): Promise<void> {
    await db
      .insertInto('contacts')
      .values({ session, id, name: null, push_name: pushName, updated_at: Date.now() })
      .onConflict((conflict) => conflict.columns(['session', 'id']).doUpdateSet({ push_name: pushName, updated_at: Date.now() }))
      .execute();
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
