// Payloads in WAHA's shapes, produced by the engine and sent as-is in API responses and events.

export const ACK_NAMES = { [-1]: 'ERROR', 0: 'PENDING', 1: 'SERVER', 2: 'DEVICE', 3: 'READ', 4: 'PLAYED' } as const;

export function ackName(ack: number): string {
  return (ACK_NAMES as Record<number, string>)[ack] ?? 'UNKNOWN';
}

export interface MediaInfo {
  url: string | null;
  mimetype: string | null;
  filename: string | null;
  error: { message: string } | null;
}

export interface Location {
  latitude: number;
  longitude: number;
  name?: string;
  address?: string;
  url?: string;
  description?: string;
}

export interface ReplyTo {
  id: string;
  participant?: string;
  body?: string;
}

export interface Message {
  /** `true_<chatId>_<ID>` / `false_<chatId>_<ID>`. */
  id: string;
  /** Seconds since the epoch. */
  timestamp: number;
  from: string;
  fromMe: boolean;
  /** `api` when zapd sent it, `app` when the phone or another linked device did. */
  source: 'api' | 'app';
  /** The group, for a group message; absent in 1:1 chats (as NOWEB). */
  to?: string;
  /** The author of a group message; absent in 1:1 chats (as NOWEB). */
  participant?: string;
  body: string | null;
  hasMedia: boolean;
  media: MediaInfo | null;
  /** Deprecated in WAHA in favour of media.url, still sent. */
  mediaUrl?: string;
  ack: number;
  ackName: string;
  author?: string;
  location: Location | null;
  vCards: string[];
  replyTo: ReplyTo | null;
  _data: unknown;
}

/**
 * What a send answers: the message in WAHA's shape, plus the top-level fields of the raw WhatsApp
 * message that NOWEB answers (clients read `key.id`, `messageTimestamp` and `status` there), in the
 * JSON form NOWEB gives them (64-bit numbers and enums as strings).
 */
export interface SentMessage extends Message {
  key: { remoteJid?: string; fromMe?: boolean; id?: string; participant?: string };
  message: Record<string, unknown> | null;
  messageTimestamp: string | number;
  status: string | number;
}

export interface MessageAck {
  id: string;
  from: string;
  to?: string;
  participant?: string;
  fromMe: boolean;
  ack: number;
  ackName: string;
}

export interface MessageReaction {
  id: string;
  timestamp: number;
  from: string;
  fromMe: boolean;
  to?: string;
  participant?: string;
  reaction: { text: string; messageId: string };
}

export interface MessageDestination {
  id: string;
  to: string;
  from: string;
  fromMe: boolean;
}

/** A chat as the phone's history describes it. */
export interface HistoryChat {
  id: string;
  name: string | null;
  unreadCount: number;
  /** Seconds since the epoch of the chat's last message. */
  conversationTimestamp: number;
  archived: boolean;
  pinned: boolean;
}

/**
 * One chunk of the chat history the phone sends a newly linked device. Published as WAHA's
 * `engine.event` with `event: 'messaging-history.set'`; the store keeps its chats and messages.
 */
export interface HistoryBatch {
  syncType: string;
  progress: number | null;
  isLatest: boolean | null;
  chats: HistoryChat[];
  contacts: Array<{ id: string; name: string | null }>;
  messages: Message[];
}

export const HISTORY_EVENT = 'messaging-history.set';
