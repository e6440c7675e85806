// Messages and chats as the session saw them, in WAHA's payload shape, for the paged history API.
import type { SelectQueryBuilder } from 'kysely';
import { ackName, type HistoryBatch, type Message } from '../engine/dto.ts';
import type { Db, Schema } from './database.ts';
import { precompiled } from './precompiled.ts';
import { textCodec, type TextCodec } from './text.ts';

export interface MessageQuery {
  limit: number;
  offset: number;
  fromMe?: boolean;
  timestampGte?: number;
  timestampLte?: number;
}

export interface ChatSummary {
  id: string;
  name: string | null;
  lastMessageAt: number;
  unreadCount: number;
  archived: boolean;
  pinned: boolean;
}

/** 8 parameters a row: well under SQLite's and PostgreSQL's limits on one statement. */
const HISTORY_ROWS_PER_INSERT = 100;

/**
 * The chat a message belongs to. NOWEB's `from` is the chat whoever sent the message; payloads
 * stored before zapd followed it had our own id in `from` of our messages and the chat in `to`.
 */
export function chatOf(message: Pick<Message, 'fromMe' | 'from' | 'to'>): string {
  return message.fromMe && message.to !== undefined ? message.to : message.from;
}

/** The payload keeps every character exactly (it is JSON); the key columns go through the codec. */
function messageRow(text: TextCodec, session: string, message: Message, payload = JSON.stringify(message)) {
  return { session, chat_id: text.store(chatOf(message)), id: text.store(message.id), from_me: message.fromMe ? 1 : 0, timestamp: message.timestamp, ack: message.ack, payload, raw: '' };
}

/** The ack column is the truth: acks raise it alone, without rewriting the payload. */
/** WAHA's acks the store treats apart: ERROR replaces only a PENDING payload, DEVICE ends any chance of ERROR. */
const ERROR_ACK = -1;
const PENDING_ACK = 0;
const DEVICE_ACK = 2;

/** Whether the ack column says more than the payload's own ack. */
function columnWins(columnAck: number, payloadAck: number): boolean {
  return columnAck === ERROR_ACK ? payloadAck === PENDING_ACK : columnAck > payloadAck;
}

function parseMessage(row: { payload: string; ack: number }): Message {
  const message = JSON.parse(row.payload) as Message;
  return columnWins(row.ack, message.ack) ? { ...message, ack: row.ack, ackName: ackName(row.ack) } : message;
}

// The statements every message runs, compiled once (see precompiled.ts).
const upsertMessage = precompiled<ReturnType<typeof messageRow>>((db, arg) =>
  db
    .insertInto('messages')
    .values({ session: arg('session'), chat_id: arg('chat_id'), id: arg('id'), from_me: arg('from_me'), timestamp: arg('timestamp'), ack: arg('ack'), payload: arg('payload'), raw: arg('raw') })
    .onConflict((conflict) =>
      conflict.columns(['session', 'chat_id', 'id']).doUpdateSet((eb) => ({
        payload: eb.ref('excluded.payload'),
        timestamp: eb.ref('excluded.timestamp'),
        ack: eb.case().when('messages.ack', '<', eb.ref('excluded.ack')).then(eb.ref('excluded.ack')).else(eb.ref('messages.ack')).end(),
      })),
    ),
);

type ChatTouch = { session: string; id: string; last_message_at: number };

/** A message of ours leaves the chat's unread count at 0; one from the other side adds to it. */
const touchChatFromMe = precompiled<ChatTouch>((db, arg) =>
  db
    .insertInto('chats')
    .values({ session: arg('session'), id: arg('id'), name: null, last_message_at: arg('last_message_at'), unread_count: 0, archived: 0, pinned: 0 })
    .onConflict((conflict) => conflict.columns(['session', 'id']).doUpdateSet((eb) => ({ last_message_at: eb.ref('excluded.last_message_at'), unread_count: 0 }))),
);
const touchChatIncoming = precompiled<ChatTouch>((db, arg) =>
  db
    .insertInto('chats')
    .values({ session: arg('session'), id: arg('id'), name: null, last_message_at: arg('last_message_at'), unread_count: 1, archived: 0, pinned: 0 })
    .onConflict((conflict) => conflict.columns(['session', 'id']).doUpdateSet((eb) => ({ last_message_at: eb.ref('excluded.last_message_at'), unread_count: eb('chats.unread_count', '+', 1) }))),
);

const raiseAck = precompiled<{ session: string; chat_id: string; id: string; ack: number }>((db, arg) =>
  db.updateTable('messages').set({ ack: arg('ack') }).where('session', '=', arg('session')).where('chat_id', '=', arg('chat_id')).where('id', '=', arg('id')).where('ack', '<', arg('ack')),
);

const failAck = precompiled<{ session: string; chat_id: string; id: string }>((db, arg) =>
  db.updateTable('messages').set({ ack: ERROR_ACK }).where('session', '=', arg('session')).where('chat_id', '=', arg('chat_id')).where('id', '=', arg('id')).where('ack', '<', DEVICE_ACK),
);

interface PageRow {
  payload: string;
  ack: number;
}

type PageArgs = { session: string; chat_id: string; from_me: number; gte: number; lte: number; limit: number; offset: number };
type PageFilters = { fromMe: boolean; gte: boolean; lte: boolean; deep: boolean };
const pageQueries = new Map<string, (db: Db, args: PageArgs) => Promise<{ rows: unknown[] }>>();

/** From this offset on, a page's ids are found before its payloads are read (see pageQuery). */
export const DEEP_PAGE_OFFSET = 500;

/**
 * A page of a chat, newest first, compiled once per combination of filters. Near the top, one walk
 * down the (session, chat, time, id) index reads the rows as it goes. Deep pages take the ids from
 * the index alone first and read only the page's rows for their payloads, so skipping 10,000
 * messages does not read 10,000 payloads; near the top that second lookup per row doubled the time
 * PostgreSQL took.
 */
function pageQuery(filters: PageFilters): (db: Db, args: PageArgs) => Promise<{ rows: unknown[] }> {
  const key = `${filters.fromMe}/${filters.gte}/${filters.lte}/${filters.deep}`;
  let query = pageQueries.get(key);
  if (!query) {
    query = precompiled<PageArgs>((db, arg) => {
      const filtered = <Q extends SelectQueryBuilder<Schema, 'messages', object>>(select: Q): Q => {
        let narrowed = select.where('session', '=', arg('session')).where('chat_id', '=', arg('chat_id'));
        if (filters.fromMe) narrowed = narrowed.where('from_me', '=', arg('from_me'));
        if (filters.gte) narrowed = narrowed.where('timestamp', '>=', arg('gte'));
        if (filters.lte) narrowed = narrowed.where('timestamp', '<=', arg('lte'));
        return narrowed.orderBy('timestamp', 'desc').orderBy('id', 'desc').limit(arg('limit')).offset(arg('offset')) as Q;
      };
      if (!filters.deep) return filtered(db.selectFrom('messages').select(['payload', 'ack']));
      return db
        .selectFrom(filtered(db.selectFrom('messages').select(['id', 'timestamp'])).as('page'))
        .innerJoin('messages', (join) => join.on('messages.session', '=', arg('session')).on('messages.chat_id', '=', arg('chat_id')).onRef('messages.id', '=', 'page.id'))
        .select(['messages.payload', 'messages.ack'])
        .orderBy('page.timestamp', 'desc')
        .orderBy('page.id', 'desc');
    });
    pageQueries.set(key, query);
  }
  return query;
}

const ACK_KEY = '"ack":';
const ACK_NAME_KEY = ',"ackName":"';

/**
 * A stored payload as the API answers it, with the ack column spliced over the payload's own ack:
 * parsing and serializing every message was most of a page's cost. The splice needs the payload's
 * first `"ack":` to be followed by its one `"ackName"` (quotes inside JSON strings are escaped, so
 * neither can come from a value); any other shape is parsed instead.
 */
export function messageJson(row: PageRow): string {
  const { payload } = row;
  const at = payload.indexOf(ACK_KEY);
  if (at >= 0) {
    let numberEnd = at + ACK_KEY.length;
    if (payload[numberEnd] === '-') numberEnd += 1;
    while (numberEnd < payload.length && payload.charCodeAt(numberEnd) >= 48 && payload.charCodeAt(numberEnd) <= 57) numberEnd += 1;
    const onlyName = payload.startsWith(ACK_NAME_KEY, numberEnd) && payload.indexOf('"ackName":') === numberEnd + 1;
    const nameEnd = onlyName ? payload.indexOf('"', numberEnd + ACK_NAME_KEY.length) : -1;
    if (nameEnd > 0 && payload.indexOf('"ackName":', nameEnd) === -1) {
      if (!columnWins(row.ack, Number(payload.slice(at + ACK_KEY.length, numberEnd)))) return payload;
      return `${payload.slice(0, at)}${ACK_KEY}${row.ack}${ACK_NAME_KEY}${ackName(row.ack)}"${payload.slice(nameEnd + 1)}`;
    }
  }
  return JSON.stringify(parseMessage(row));
}

export class MessageRepository {
  constructor(private readonly db: Db) {}

  /** Inserts or replaces a message, and moves its chat to the top. Runs in the caller's transaction. */
  static async save(db: Db, session: string, message: Message): Promise<void> {
    const row = messageRow(textCodec(db), session, message);
    await upsertMessage(db, row);
    await (message.fromMe ? touchChatFromMe : touchChatIncoming)(db, { session, id: row.chat_id, last_message_at: message.timestamp });
  }

  /**
   * Stores a chunk of the phone's history. What the session saw live wins: history never replaces
   * a stored message nor moves a chat's last activity back.
   */
  static async saveHistory(db: Db, session: string, batch: HistoryBatch): Promise<void> {
    const text = textCodec(db);
    // A phone's history can be tens of thousands of messages: rows go in by the hundred.
    for (let start = 0; start < batch.messages.length; start += HISTORY_ROWS_PER_INSERT) {
      await db
        .insertInto('messages')
        .values(batch.messages.slice(start, start + HISTORY_ROWS_PER_INSERT).map((message) => messageRow(text, session, message)))
        .onConflict((conflict) => conflict.columns(['session', 'chat_id', 'id']).doNothing())
        .execute();
    }
    const latest = new Map<string, number>();
    for (const message of batch.messages) {
      const chatId = chatOf(message);
      latest.set(chatId, Math.max(latest.get(chatId) ?? 0, message.timestamp));
    }
    for (const chat of batch.chats) {
      const lastMessageAt = Math.max(chat.conversationTimestamp, latest.get(chat.id) ?? 0);
      await db
        .insertInto('chats')
        .values({ session, id: text.store(chat.id), name: text.storeNullable(chat.name), last_message_at: lastMessageAt, unread_count: chat.unreadCount, archived: chat.archived ? 1 : 0, pinned: chat.pinned ? 1 : 0 })
        .onConflict((conflict) =>
          conflict.columns(['session', 'id']).doUpdateSet((eb) => ({
            name: eb.fn.coalesce('chats.name', eb.val(text.storeNullable(chat.name))),
            last_message_at: eb.case().when('chats.last_message_at', '<', lastMessageAt).then(lastMessageAt).else(eb.ref('chats.last_message_at')).end(),
          })),
        )
        .execute();
    }
  }

  /**
   * Raises a stored message's ack (acks only ever go up: a late DEVICE never undoes READ). ERROR is
   * the exception: a sent message WhatsApp refused or never confirmed ends as ERROR, unless a device
   * already has it.
   */
  static async ack(db: Db, session: string, chatId: string, id: string, ack: number): Promise<void> {
    const text = textCodec(db);
    const row = { session, chat_id: text.store(chatId), id: text.store(id) };
    if (ack === ERROR_ACK) await failAck(db, row);
    else await raiseAck(db, { ...row, ack });
  }

  async list(session: string, chatId: string, query: MessageQuery): Promise<Message[]> {
    return (await this.page(session, chatId, query)).map(parseMessage);
  }

  /** The same page as `list`, as the JSON array the API answers, without parsing each message. */
  async listJson(session: string, chatId: string, query: MessageQuery): Promise<string> {
    return `[${(await this.page(session, chatId, query)).map(messageJson).join(',')}]`;
  }

  private async page(session: string, chatId: string, query: MessageQuery): Promise<PageRow[]> {
    const filters = { fromMe: query.fromMe !== undefined, gte: query.timestampGte !== undefined, lte: query.timestampLte !== undefined, deep: query.offset >= DEEP_PAGE_OFFSET };
    const result = await pageQuery(filters)(this.db, {
      session,
      chat_id: textCodec(this.db).store(chatId),
      from_me: query.fromMe ? 1 : 0,
      gte: query.timestampGte ?? 0,
      lte: query.timestampLte ?? 0,
      limit: query.limit,
      offset: query.offset,
    });
    return result.rows as PageRow[];
  }

  async get(session: string, chatId: string, id: string): Promise<Message | undefined> {
    const text = textCodec(this.db);
    const row = await this.db.selectFrom('messages').select(['payload', 'ack']).where('session', '=', session).where('chat_id', '=', text.store(chatId)).where('id', '=', text.store(id)).executeTakeFirst();
    return row ? parseMessage(row) : undefined;
  }

  async chats(session: string, paging: { limit: number; offset: number; sortBy: 'conversationTimestamp' | 'id' | 'name'; sortOrder: 'asc' | 'desc' }): Promise<ChatSummary[]> {
    const column = paging.sortBy === 'id' ? 'id' : paging.sortBy === 'name' ? 'name' : 'last_message_at';
    const rows = await this.db.selectFrom('chats').selectAll().where('session', '=', session).orderBy(column, paging.sortOrder).orderBy('id').limit(paging.limit).offset(paging.offset).execute();
    const text = textCodec(this.db);
    return rows.map((row) => ({
      id: text.read(row.id),
      name: text.readNullable(row.name),
      lastMessageAt: Number(row.last_message_at),
      unreadCount: row.unread_count,
      archived: row.archived === 1,
      pinned: row.pinned === 1,
    }));
  }

  async clearChat(session: string, chatId: string): Promise<void> {
    await this.db.deleteFrom('messages').where('session', '=', session).where('chat_id', '=', textCodec(this.db).store(chatId)).execute();
  }

  async deleteChat(session: string, chatId: string): Promise<void> {
    const stored = textCodec(this.db).store(chatId);
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('messages').where('session', '=', session).where('chat_id', '=', stored).execute();
      await trx.deleteFrom('chats').where('session', '=', session).where('id', '=', stored).execute();
    });
  }

  async markChatRead(session: string, chatId: string): Promise<void> {
    await this.db.updateTable('chats').set({ unread_count: 0 }).where('session', '=', session).where('id', '=', textCodec(this.db).store(chatId)).execute();
  }
}
