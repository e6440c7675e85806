// The Engine seam: our own verbs and DTOs, in WAHA's shapes. The session manager talks to this
// interface only; engine/baileys/ is the one implementation and the only code that imports Baileys.
import type { Logger } from 'pino';
import type { EventName } from '../events/bus.ts';
import type { AuthStateRepository } from '../store/repositories.ts';
import type { ProxySettings } from '../proxy/settings.ts';
import type { Message, SentMessage } from './dto.ts';
import type { ChannelEngine } from './channels.ts';
import type { GroupEngine } from './groups.ts';
import type { LabelEngine } from './labels.ts';
import type { DirectoryEngine, ProfileEngine } from './profile.ts';

export type SessionStatus = 'STOPPED' | 'STARTING' | 'SCAN_QR_CODE' | 'WORKING' | 'FAILED';

/** The linked account, as WAHA's `me`: `id` in `@c.us` form. */
export interface AccountInfo {
  id: string;
  pushName?: string;
  lid?: string;
}

/** Where the engine connects: real WhatsApp by default, or the simulator's WebSocket and trust root. */
export interface EngineEndpoint {
  url?: string;
  /** Curve25519 public key (32 bytes) that signs the server's certificate chain. */
  rootPublicKey?: Uint8Array;
  /** PEM certificate to trust for the media host (the simulator's is self-signed). */
  tlsCertificate?: string;
}

/** Where the engine puts media of incoming messages; returns the URL clients fetch it from. */
export interface MediaSink {
  save(messageId: string, data: Buffer, mimetype: string | null, filename: string | null): Promise<string>;
}

export interface EngineListener {
  /** Every state change, with a short reason when the engine knows one (e.g. why it failed). */
  status(status: Exclude<SessionStatus, 'STOPPED'>, reason?: string): void;
  /** A new QR value to show while waiting for a scan (rotates every ~20 s). */
  qr(value: string): void;
  /** The linked account changed (after pairing or at login). */
  account(account: AccountInfo): void;
  /** A WhatsApp event, already in WAHA's payload shape; resolves once it is durably recorded. */
  event(name: EventName, payload: unknown): Promise<void>;
}

export interface EngineOptions {
  session: string;
  authState: AuthStateRepository;
  endpoint: EngineEndpoint;
  media: MediaSink;
  logger: Logger;
  listener: EngineListener;
  /** Where every connection of the session goes through (config.proxy or WHATSAPP_PROXY_SERVER); direct when absent. */
  proxy?: ProxySettings;
  /** How the device presents itself and what it asks of the phone (WAHA's config.client and config.noweb). */
  device?: DeviceSettings;
}

export interface DeviceSettings {
  /** The name the phone lists this linked device under (config.client.deviceName). */
  deviceName?: string;
  /** The browser it says it is (config.client.browserName). */
  browserName?: string;
  /** Send "available" presence once connected (config.noweb.markOnline; WAHA's default true). */
  markOnline?: boolean;
  /** Ask the phone for the whole chat history at link time, not only the recent part (config.noweb.store.fullSync). */
  fullSync?: boolean;
}

export interface Engine extends GroupEngine, ProfileEngine, DirectoryEngine, LabelEngine, ChannelEngine {
  /** Connects; resolves once the first connection attempt is under way (not when WORKING). */
  start(): Promise<void>;
  /** Disconnects without forgetting the credentials; no reconnect afterwards. */
  stop(): Promise<void>;
  /** Unlinks the device from the account (when connected) and forgets the credentials. */
  logout(): Promise<void>;
  /** Asks for an 8-character code to type on the phone instead of scanning the QR. */
  requestPairingCode(phoneNumber: string): Promise<string>;

  send(chatId: string, content: OutgoingContent, options?: SendOptions): Promise<SentMessage>;
  forward(chatId: string, messageId: string): Promise<SentMessage>;
  react(messageId: string, reaction: string): Promise<void>;
  /** The new text, or the new text with a link preview. */
  edit(chatId: string, messageId: string, content: Extract<OutgoingContent, { kind: 'text' | 'linkPreview' }>): Promise<SentMessage>;
  revoke(chatId: string, messageId: string): Promise<void>;
  star(chatId: string, messageId: string, star: boolean): Promise<void>;
  votePoll(chatId: string, pollMessageId: string, votes: string[]): Promise<SentMessage>;
  /** `participant`: the author of group messages whose ids do not name one. */
  markRead(chatId: string, messageIds: string[], participant?: string): Promise<void>;
  setChatState(chatId: string, state: 'composing' | 'recording' | 'paused'): Promise<void>;
  /** Posts a status (story) visible to `audience` (chat ids); returns the status message. */
  sendStatus(content: OutgoingContent, audience: string[], style?: { backgroundColor?: string; font?: number }): Promise<SentMessage>;
  deleteStatus(statusId: string, audience: string[]): Promise<void>;
  newMessageId(): string;
  /** Pins (for `durationSeconds`) or unpins a message for everyone in the chat. */
  pin(chatId: string, messageId: string, pin: boolean, durationSeconds?: 86400 | 604800 | 2592000): Promise<void>;
  rejectCall(from: string, callId: string): Promise<void>;
  /** Phone ↔ LID pairs the engine knows. */
  lids(): Promise<Array<{ lid: string; pn: string }>>;
  archive(chatId: string, archived: boolean): Promise<void>;
  pinChat(chatId: string, pinned: boolean): Promise<void>;
  markUnread(chatId: string): Promise<void>;
  /** Saves the contact to the account's address book (app state, synced to the phone). */
  saveContact(chatId: string, name: { firstName: string; lastName?: string }): Promise<void>;
  block(chatId: string): Promise<void>;
  unblock(chatId: string): Promise<void>;
  /** Chat ids (`@c.us`) this account has blocked. */
  blocklist(): Promise<string[]>;
  /** Whether the number has WhatsApp, and its chat id if so. */
  checkNumber(phone: string): Promise<{ numberExists: boolean; chatId: string | null }>;
}

export type EngineFactory = (options: EngineOptions) => Engine;

/** A file to send, already fetched or decoded by the media layer. */
export interface OutgoingFile {
  data: Buffer;
  mimetype: string;
  filename?: string;
}

export type OutgoingContent =
  | { kind: 'text'; text: string }
  | { kind: 'image'; file: OutgoingFile; caption?: string }
  | { kind: 'file'; file: OutgoingFile; caption?: string }
  | { kind: 'voice'; file: OutgoingFile }
  | { kind: 'video'; file: OutgoingFile; caption?: string; asNote?: boolean }
  | { kind: 'location'; latitude: number; longitude: number; title?: string; address?: string; url?: string }
  | { kind: 'contacts'; contacts: Array<{ displayName: string; vcard: string }> }
  | { kind: 'poll'; name: string; options: string[]; multipleAnswers: boolean }
  | {
      kind: 'linkPreview';
      text: string;
      /** `image` is the small inline thumbnail; `fullImage` (WAHA's linkPreviewHighQuality) is uploaded as the large preview. */
      preview: { url: string; title: string; description?: string; image?: OutgoingFile; fullImage?: OutgoingFile; matchedText?: string };
    }
  | { kind: 'event'; name: string; description?: string; startTime: number; endTime?: number; location?: string; extraGuestsAllowed?: boolean };

export interface SendOptions {
  /** WAHA message id (or bare WhatsApp id) of the message to quote. */
  replyTo?: string;
  /** Chat ids to mention; MENTION_ALL mentions every member of the group. */
  mentions?: string[];
}

/** In SendOptions.mentions: every member of the group the message goes to (WAHA's `"all"`). */
export const MENTION_ALL = 'all';
