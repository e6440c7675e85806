// The phone's chat history: what a user's phone already holds when a new device is linked. The
// phone sends it to each new device as WhatsApp does — a HISTORY_SYNC_NOTIFICATION (here the
// INITIAL_BOOTSTRAP chunk, inline and zlib-deflated), end-to-end encrypted from device 0.
// The simulator cannot read the messages it relays, so the history is what the admin API seeded.
import { randomBytes } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { proto } from 'baileys';
import { SimulatorError } from './network.ts';
import type { AccountRecord } from './state.ts';
import { toJid } from './virtual-contacts.ts';

export interface HistoryMessageRecord {
  id: string;
  fromMe: boolean;
  text: string;
  /** Unix seconds. */
  timestamp: number;
  /** The group member who wrote it (group chats, messages not from me). */
  participant?: string;
  pushName?: string;
}

export interface HistoryChatRecord {
  id: string;
  name?: string;
  unreadCount: number;
  archived: boolean;
  pinned: boolean;
  /** Oldest first. */
  messages: HistoryMessageRecord[];
}

type Body = Record<string, unknown>;

function asObject(value: unknown, what: string): Body {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new SimulatorError(400, `${what} must be an object`);
  return value as Body;
}

function optional<T>(body: Body, name: string, type: 'string' | 'number' | 'boolean', what: string): T | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== type || (type === 'number' && !Number.isFinite(value))) throw new SimulatorError(400, `${what}.${name} must be a ${type}`);
  return value as T;
}

/** Validates the admin body `{ chats: [{ id, name?, unreadCount?, archived?, pinned?, messages: [{ text, fromMe?, timestamp?, id?, participant?, pushName? }] }] }`. */
export function parseHistory(body: Body): HistoryChatRecord[] {
  if (!Array.isArray(body.chats)) throw new SimulatorError(400, 'chats must be an array');
  const now = Math.floor(Date.now() / 1000);
  return body.chats.map((entry, chatIndex) => {
    const what = `chats[${chatIndex}]`;
    const chat = asObject(entry, what);
    const id = toJid(optional<string>(chat, 'id', 'string', what) ?? '');
    if (!Array.isArray(chat.messages)) throw new SimulatorError(400, `${what}.messages must be an array`);
    const messages = chat.messages.map((item, index): HistoryMessageRecord => {
      const where = `${what}.messages[${index}]`;
      const message = asObject(item, where);
      const text = optional<string>(message, 'text', 'string', where);
      if (!text) throw new SimulatorError(400, `${where}.text is required`);
      const fromMe = optional<boolean>(message, 'fromMe', 'boolean', where) ?? false;
      const participant = optional<string>(message, 'participant', 'string', where);
      const pushName = optional<string>(message, 'pushName', 'string', where);
      return {
        id: optional<string>(message, 'id', 'string', where) ?? randomBytes(10).toString('hex').toUpperCase(),
        fromMe,
        text,
        // Unstated times count back from now, a minute apart, keeping the given order.
        timestamp: optional<number>(message, 'timestamp', 'number', where) ?? now - (chat.messages as unknown[]).length * 60 + index * 60,
        ...(participant ? { participant: toJid(participant) } : {}),
        ...(pushName ? { pushName } : {}),
      };
    });
    const name = optional<string>(chat, 'name', 'string', what);
    return {
      id,
      ...(name ? { name } : {}),
      unreadCount: optional<number>(chat, 'unreadCount', 'number', what) ?? 0,
      archived: optional<boolean>(chat, 'archived', 'boolean', what) ?? false,
      pinned: optional<boolean>(chat, 'pinned', 'boolean', what) ?? false,
      messages: messages.sort((a, b) => a.timestamp - b.timestamp),
    };
  });
}

function webMessage(account: AccountRecord, chat: HistoryChatRecord, message: HistoryMessageRecord): proto.IWebMessageInfo {
  const isGroup = chat.id.endsWith('@g.us');
  return {
    key: {
      remoteJid: chat.id,
      fromMe: message.fromMe,
      id: message.id,
      ...(isGroup ? { participant: message.fromMe ? `${account.phone}@s.whatsapp.net` : (message.participant ?? chat.id) } : {}),
    },
    message: { conversation: message.text },
    messageTimestamp: message.timestamp,
    ...(message.pushName && !message.fromMe ? { pushName: message.pushName } : {}),
    status: message.fromMe ? proto.WebMessageInfo.Status.READ : proto.WebMessageInfo.Status.DELIVERY_ACK,
  };
}

/**
 * How many of each chat's newest messages the first history chunk carries. Like WhatsApp's phone,
 * the rest goes out only to a device that asked for its full history (DeviceProps.requireFullSync).
 */
export const BOOTSTRAP_MESSAGES_PER_CHAT = 300;

type HistoryKind = 'INITIAL_BOOTSTRAP' | 'FULL';

function historyChunk(account: AccountRecord, kind: HistoryKind, chunkOrder: number): proto.IMessage {
  const chats = (account.history ?? []).map((chat) => ({
    chat,
    messages: kind === 'INITIAL_BOOTSTRAP' ? chat.messages.slice(-BOOTSTRAP_MESSAGES_PER_CHAT) : chat.messages.slice(0, Math.max(0, chat.messages.length - BOOTSTRAP_MESSAGES_PER_CHAT)),
  }));
  const syncType = proto.HistorySync.HistorySyncType[kind];
  const sync = proto.HistorySync.encode({
    syncType,
    chunkOrder,
    progress: 100,
    conversations: chats
      .filter(({ messages }) => kind === 'INITIAL_BOOTSTRAP' || messages.length > 0)
      .map(({ chat, messages }) => ({
        id: chat.id,
        ...(chat.name ? { name: chat.name } : {}),
        unreadCount: chat.unreadCount,
        archived: chat.archived,
        ...(chat.pinned ? { pinned: Math.floor(Date.now() / 1000) } : {}),
        conversationTimestamp: chat.messages.at(-1)?.timestamp ?? 0,
        // Newest first, as the phone sends them; order ids count over the whole chat.
        messages: [...messages].reverse().map((message, index) => ({ message: webMessage(account, chat, message), msgOrderId: messages.length - index })),
      })),
  }).finish();
  return {
    protocolMessage: {
      type: proto.Message.ProtocolMessage.Type.HISTORY_SYNC_NOTIFICATION,
      historySyncNotification: { syncType, chunkOrder, progress: 100, initialHistBootstrapInlinePayload: deflateSync(sync) },
    },
  };
}

/** The protocol messages the phone sends a new device; an empty history still ends its wait for one. */
export function historySyncMessages(account: AccountRecord, fullSync: boolean): proto.IMessage[] {
  const bootstrap = historyChunk(account, 'INITIAL_BOOTSTRAP', 0);
  const older = (account.history ?? []).some((chat) => chat.messages.length > BOOTSTRAP_MESSAGES_PER_CHAT);
  return fullSync && older ? [bootstrap, historyChunk(account, 'FULL', 1)] : [bootstrap];
}
