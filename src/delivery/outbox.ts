// The durable outbox: one row per (event, receiver), written in the same transaction as the event.
// Delivery claims rows with a lease, so several zapd nodes can share one PostgreSQL outbox and a
// crashed node's rows are picked up again when its lease runs out. Only the oldest pending row of a
// lane (receiver + session + chat) is claimable, which keeps each chat's events in order.
import { sql, type Selectable } from 'kysely';
import type { Db, OutboxTable, StoreKind } from '../store/database.ts';
import { precompiled } from '../store/precompiled.ts';
import type { Receiver } from './receivers.ts';

export interface OutboxRow {
  seq: number;
  eventId: string;
  session: string;
  lane: string;
  receiver: Receiver;
  body: string;
  attempts: number;
}

type RawRow = Pick<Selectable<OutboxTable>, 'seq' | 'event_id' | 'session' | 'lane' | 'receiver' | 'body' | 'attempts'>;

function toOutboxRow(row: RawRow): OutboxRow {
  return { seq: Number(row.seq), eventId: row.event_id, session: row.session, lane: row.lane, receiver: JSON.parse(row.receiver) as Receiver, body: row.body, attempts: row.attempts };
}

// Every event writes its rows and every delivery removes one: compiled once (see precompiled.ts).
const insertRow = precompiled<{ event_id: string; session: string; lane: string; receiver: string; body: string; next_attempt_at: number }>((db, arg) =>
  db.insertInto('outbox').values({
    event_id: arg('event_id'),
    session: arg('session'),
    lane: arg('lane'),
    receiver: arg('receiver'),
    body: arg('body'),
    attempts: 0,
    next_attempt_at: arg('next_attempt_at'),
    status: 'pending',
    locked_by: null,
    locked_until: null,
    last_error: null,
  }),
);
const deleteRow = precompiled<{ seq: number }>((db, arg) => db.deleteFrom('outbox').where('seq', '=', arg('seq')));

/** Rows removed by one statement at most: well under either store's parameter limit. */
const DELETE_BATCH = 500;

export class Outbox {
  private deliveredBatch: { seqs: number[]; done: Promise<void> } | undefined;

  constructor(
    private readonly db: Db,
    private readonly kind: StoreKind,
  ) {}

  static async enqueue(db: Db, rows: Array<{ eventId: string; session: string; lane: string; receiver: Receiver; body: string }>): Promise<void> {
    const now = Date.now();
    for (const row of rows) await insertRow(db, { event_id: row.eventId, session: row.session, lane: row.lane, receiver: JSON.stringify(row.receiver), body: row.body, next_attempt_at: now });
  }

  /** Leases up to `limit` lane heads that are due; `skipReceivers` (URLs) get none this time. */
  async claim(worker: string, limit: number, leaseMs: number, skipReceivers: string[] = []): Promise<OutboxRow[]> {
    const now = Date.now();
    // Lanes are `<receiver url>|<session>|<chat>`: a receiver's lanes share that prefix.
    const skipped = skipReceivers.map((url) => sql` and substr(o.lane, 1, ${url.length + 1}) <> ${`${url}|`}`);
    const lockClause = this.kind === 'postgres' ? sql`for update of o skip locked` : sql``;
    // Lane heads by a skip scan over the (status, lane, seq) index: one seek per lane to find the next
    // lane, one to find its oldest row. Scanning the pending rows instead made every claim cost as
    // much as the backlog, and a slow receiver's backlog of thousands took most of the CPU.
    const result = await sql<RawRow>`
      with recursive lanes(lane) as (
        select min(lane) from outbox where status = 'pending'
        union all
        select (select min(n.lane) from outbox n where n.status = 'pending' and n.lane > lanes.lane) from lanes where lanes.lane is not null
      ),
      heads(seq) as (
        select (select min(h.seq) from outbox h where h.status = 'pending' and h.lane = lanes.lane) from lanes where lanes.lane is not null
      )
      update outbox set locked_by = ${worker}, locked_until = ${now + leaseMs}
      where seq in (
        select o.seq from outbox o
        where o.seq in (select seq from heads)
          and o.next_attempt_at <= ${now}
          and (o.locked_until is null or o.locked_until < ${now})${sql.join(skipped, sql``)}
        order by o.seq
        limit ${limit}
        ${lockClause}
      )
      and (locked_until is null or locked_until < ${now} or locked_by = ${worker})
      returning seq, event_id, session, lane, receiver, body, attempts`.execute(this.db);
    return result.rows.map(toOutboxRow);
  }

  /**
   * Leases the heads of the named lanes that are due: what the dispatcher claims when it knows where
   * rows just appeared (an enqueue, or a delivery that moved its lane on). A seek per lane, where
   * the full `claim` visits every lane with pending rows.
   */
  async claimLanes(worker: string, lanes: string[], leaseMs: number): Promise<OutboxRow[]> {
    if (lanes.length === 0) return [];
    const now = Date.now();
    const lockClause = this.kind === 'postgres' ? sql`for update of o skip locked` : sql``;
    const result = await sql<RawRow>`
      update outbox set locked_by = ${worker}, locked_until = ${now + leaseMs}
      where seq in (
        select o.seq from outbox o
        where o.seq in (select min(h.seq) from outbox h where h.status = 'pending' and h.lane in (${sql.join(lanes)}) group by h.lane)
          and o.next_attempt_at <= ${now}
          and (o.locked_until is null or o.locked_until < ${now})
        ${lockClause}
      )
      and (locked_until is null or locked_until < ${now} or locked_by = ${worker})
      returning seq, event_id, session, lane, receiver, body, attempts`.execute(this.db);
    return result.rows.map(toOutboxRow).sort((a, b) => a.seq - b.seq);
  }

  /** Gives back leases this worker took but will not use now (see Dispatcher.pump). */
  async release(worker: string, seqs: number[]): Promise<void> {
    if (seqs.length === 0) return;
    await this.db.updateTable('outbox').set({ locked_by: null, locked_until: null }).where('seq', 'in', seqs).where('locked_by', '=', worker).execute();
  }

  /**
   * Removes a delivered row. Rows delivered in the same event-loop turn go in one statement: one
   * write transaction per delivery was a large part of the webhook path's cost on SQLite.
   */
  delivered(seq: number): Promise<void> {
    if (!this.deliveredBatch) {
      const seqs: number[] = [];
      const done = new Promise((resolve) => setImmediate(resolve)).then(async () => {
        if (this.deliveredBatch?.seqs === seqs) this.deliveredBatch = undefined;
        for (let start = 0; start < seqs.length; start += DELETE_BATCH) {
          const chunk = seqs.slice(start, start + DELETE_BATCH);
          if (chunk.length === 1) await deleteRow(this.db, { seq: chunk[0] ?? -1 });
          else await this.db.deleteFrom('outbox').where('seq', 'in', chunk).execute();
        }
      });
      this.deliveredBatch = { seqs, done };
    }
    this.deliveredBatch.seqs.push(seq);
    return this.deliveredBatch.done;
  }

  async failed(seq: number, attempts: number, nextAttemptAt: number | null, error: string): Promise<void> {
    await this.db
      .updateTable('outbox')
      .set({ attempts, last_error: error.slice(0, 500), locked_by: null, locked_until: null, ...(nextAttemptAt === null ? { status: 'dead' } : { next_attempt_at: nextAttemptAt }) })
      .where('seq', '=', seq)
      .execute();
  }

  async pendingCount(): Promise<number> {
    const row = await this.db.selectFrom('outbox').select((eb) => eb.fn.countAll<number>().as('count')).where('status', '=', 'pending').executeTakeFirst();
    return Number(row?.count ?? 0);
  }

  /** Deliveries still owed (pending) or given up (dead), newest first; `kind` is `webhook` or the broker sink's. */
  async list(status: 'pending' | 'dead', limit: number): Promise<Array<{ seq: number; eventId: string; session: string; url: string; kind: string; attempts: number; status: string; lastError: string | null; nextAttemptAt: number }>> {
    const rows = await this.db.selectFrom('outbox').selectAll().where('status', '=', status).orderBy('seq', 'desc').limit(limit).execute();
    return rows.map((row) => {
      const receiver = JSON.parse(row.receiver) as Receiver;
      return {
        seq: Number(row.seq),
        eventId: row.event_id,
        session: row.session,
        url: receiver.url,
        kind: receiver.kind ?? 'webhook',
        attempts: row.attempts,
        status: row.status,
        lastError: row.last_error,
        nextAttemptAt: Number(row.next_attempt_at),
      };
    });
  }

  /** Puts a delivery back in line for an immediate attempt; false when there is no such row. */
  async retryNow(seq: number): Promise<boolean> {
    const result = await this.db.updateTable('outbox').set({ status: 'pending', attempts: 0, next_attempt_at: Date.now(), locked_by: null, locked_until: null }).where('seq', '=', seq).executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }
}
