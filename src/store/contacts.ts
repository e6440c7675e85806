// People the session has heard from, with the push name they announce.
import type { Db } from './database.ts';
import { precompiled } from './precompiled.ts';
import { textCodec, type TextCodec } from './text.ts';

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

function contactOf(text: TextCodec, row: { id: string; name: string | null; push_name: string | null }): StoredContact {
  return { id: text.read(row.id), name: text.readNullable(row.name), pushname: text.readNullable(row.push_name) };
}

export class ContactRepository {
  constructor(private readonly db: Db) {}

  static async remember(db: Db, session: string, id: string, pushName: string): Promise<void> {
    const text = textCodec(db);
    await rememberContact(db, { session, id: text.store(id), push_name: text.store(pushName), updated_at: Date.now() });
  }

  async get(session: string, id: string): Promise<StoredContact | undefined> {
    const text = textCodec(this.db);
    const row = await this.db.selectFrom('contacts').selectAll().where('session', '=', session).where('id', '=', text.store(id)).executeTakeFirst();
    return row ? contactOf(text, row) : undefined;
  }

  async list(session: string, limit: number, offset: number): Promise<StoredContact[]> {
    const rows = await this.db.selectFrom('contacts').selectAll().where('session', '=', session).orderBy('id').limit(limit).offset(offset).execute();
    const text = textCodec(this.db);
    return rows.map((row) => contactOf(text, row));
  }
}
