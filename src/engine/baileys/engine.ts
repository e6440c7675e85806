import makeWASocket, { DisconnectReason, WA_CERT_DETAILS } from 'baileys';
import type { ConnectionState, WAMessage, WASocket } from 'baileys';
import type { Logger } from 'pino';
import type { Message, MessageAck, SentMessage } from '../dto.ts';
import { AppError } from '../../errors.ts';
import type { AccountInfo, Engine, EngineListener, EngineOptions, OutgoingContent, SendOptions } from '../types.ts';
import { loadAuthState, type StoredAuthState } from './auth-state.ts';
import { sessionTransport, type SessionTransport } from './transport.ts';
import { ProxyError } from '../../proxy/tunnel.ts';
import { AckOrder } from './ack-order.ts';
import { announceSent, NotRecordedError, stateChangePayload, wireEvents, type AnnounceContext } from './events.ts';
import { toWahaAck } from './message-mapper.ts';
import { SentMessages } from './sent-messages.ts';
import { toWahaChatId, toWahaUserId, toWhatsAppJid } from './jids.ts';
import type { GroupEngine } from '../groups.ts';
import type { DirectoryEngine, ProfileEngine } from '../profile.ts';
import { groupVerbs } from './groups.ts';
import { LabelBook, labelVerbs } from './labels.ts';
import type { LabelEngine } from '../labels.ts';
import type { ChannelEngine } from '../channels.ts';
import { channelVerbs } from './channels.ts';
import { PresenceBook, profileVerbs } from './profile.ts';
import { Messaging } from './messaging.ts';
import { OutgoingGate } from './outgoing-gate.ts';
import { RecentMessages } from './recent-messages.ts';
import { withApiErrors } from './whatsapp-errors.ts';

const MAX_BACKOFF_MS = 30_000;
/** How long a stopping session waits for WhatsApp to confirm the messages it just sent. */
const STOP_CONFIRM_MS = 2_000;
/** Baileys' ERROR status (WAHA's ack -1). */
const ERROR_STATUS = 0;
const BASE_BACKOFF_MS = 500;

/** Close codes after which reconnecting cannot help: the user has to act (scan again, resolve a conflict). */
const FATAL_CLOSE_REASONS = new Map<number, string>([
  [DisconnectReason.loggedOut, 'logged out from the phone'],
  [DisconnectReason.forbidden, 'the account is banned or forbidden'],
  [DisconnectReason.connectionReplaced, 'the connection was replaced by another client'],
  [DisconnectReason.multideviceMismatch, 'multi-device mismatch; link the device again'],
]);

/** The proxy's failure behind a close, if that is what closed it (Baileys keeps the socket's error as `data`). */
function proxyFailure(update: Partial<ConnectionState>): ProxyError | undefined {
  const error = update.lastDisconnect?.error as (Error & { data?: unknown }) | undefined;
  if (error instanceof ProxyError) return error;
  return error?.data instanceof ProxyError ? error.data : undefined;
}

function closeStatusCode(update: Partial<ConnectionState>): number | undefined {
  const error = update.lastDisconnect?.error as { output?: { statusCode?: unknown } } | undefined;
  const code = error?.output?.statusCode;
  return typeof code === 'number' ? code : undefined;
}

/** WAHA's state.change vocabulary for Baileys' connection updates. */
function connectionState(update: Partial<ConnectionState>): string | undefined {
  if (update.qr) return 'UNPAIRED';
  if (update.connection === 'connecting') return 'OPENING';
  if (update.connection === 'open') return 'CONNECTED';
  if (update.connection !== 'close') return undefined;
  const code = closeStatusCode(update);
  if (code === DisconnectReason.loggedOut) return 'UNPAIRED';
  if (code === DisconnectReason.connectionReplaced) return 'CONFLICT';
  return 'TIMEOUT';
}

/** Exponential backoff with full jitter, so many sessions dropped together do not reconnect together. */
export function reconnectDelay(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** attempt);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

export interface BaileysEngine extends GroupEngine, ProfileEngine, DirectoryEngine, LabelEngine, ChannelEngine {}

// Group and profile verbs live in ./groups.ts and ./profile.ts, mixed in at construction.
export class BaileysEngine implements Engine {
  private socket: WASocket | undefined;
  private auth: StoredAuthState | undefined;
  private running = false;
  private failedAttempts = 0;
  /** Connections dropped in a row because a received message could not be recorded (slows reconnects). */
  private unrecordedStreak = 0;
  /** The listener for events nothing waits on: failures to record them are logged here. */
  private readonly listener: EngineListener;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private credsWrites: Promise<void> = Promise.resolve();
  /** Set once the phone logged this device out: no credential save may follow the clear. */
  private credentialsForgotten = false;
  private readonly logger: Logger;
  private readonly recent = new RecentMessages();
  private readonly presenceBook = new PresenceBook();
  private readonly labelBook: LabelBook;
  private readonly messaging: Messaging;
  private readonly transport: SessionTransport;
  private readonly sent = new SentMessages();
  private readonly acks: AckOrder<MessageAck>;
  /** How the current connection records events (set per connection). */
  private announceContext: AnnounceContext | undefined;

  constructor(private readonly options: EngineOptions) {
    this.logger = options.logger.child({ session: options.session, engine: 'baileys' });
    this.listener = {
      ...options.listener,
      event: (name, payload) => options.listener.event(name, payload).catch((error: unknown) => this.logger.error({ err: error, event: name }, 'could not record an event')),
    };
    this.transport = sessionTransport(options.proxy, options.endpoint.tlsCertificate);
    this.labelBook = new LabelBook(options.session, options.authState);
    Object.assign(this, groupVerbs(() => this.openSocket()), profileVerbs(() => this.openSocket(), this.presenceBook), labelVerbs(() => this.openSocket(), this.labelBook), channelVerbs(() => this.openSocket(), options.session, options.authState, () => this.meId()));
    this.acks = new AckOrder<MessageAck>({
      emit: (payload) => void this.listener.event('message.ack', payload),
      awaitsAnnouncement: (_chatJid, id) => this.sent.awaitsAnnouncement(id),
    });
    this.messaging = new Messaging({
      socket: () => this.sendingSocket(),
      me: () => this.meId(),
      recent: this.recent,
      sent: this.sent,
      recordSent: (message) => {
        const context = this.announceContext;
        if (!context) return Promise.reject(new Error('the session has no connection to record with'));
        return announceSent(message, context);
      },
    });
  }

  send(chatId: string, content: OutgoingContent, options?: SendOptions): Promise<SentMessage> {
    return this.messaging.send(chatId, content, options);
  }
  forward(chatId: string, messageId: string): Promise<SentMessage> {
    return this.messaging.forward(chatId, messageId);
  }
  react(messageId: string, reaction: string): Promise<void> {
    return this.messaging.react(messageId, reaction);
  }
  edit(chatId: string, messageId: string, content: Extract<OutgoingContent, { kind: 'text' | 'linkPreview' }>): Promise<SentMessage> {
    return this.messaging.edit(chatId, messageId, content);
  }
  revoke(chatId: string, messageId: string): Promise<void> {
    return this.messaging.revoke(chatId, messageId);
  }
  star(chatId: string, messageId: string, star: boolean): Promise<void> {
    return this.messaging.star(chatId, messageId, star);
  }
  votePoll(chatId: string, pollMessageId: string, votes: string[]): Promise<SentMessage> {
    return this.messaging.votePoll(chatId, pollMessageId, votes);
  }
  markRead(chatId: string, messageIds: string[], participant?: string): Promise<void> {
    return this.messaging.markRead(chatId, messageIds, participant);
  }
  setChatState(chatId: string, state: 'composing' | 'recording' | 'paused'): Promise<void> {
    return this.messaging.setChatState(chatId, state);
  }
  sendStatus(content: OutgoingContent, audience: string[], style?: { backgroundColor?: string; font?: number }): Promise<SentMessage> {
    return this.messaging.sendStatus(content, audience, style);
  }
  deleteStatus(statusId: string, audience: string[]): Promise<void> {
    return this.messaging.deleteStatus(statusId, audience);
  }
  newMessageId(): string {
    return this.messaging.newMessageId();
  }
  pin(chatId: string, messageId: string, pin: boolean, durationSeconds?: 86400 | 604800 | 2592000): Promise<void> {
    return this.messaging.pin(chatId, messageId, pin, durationSeconds);
  }
  async rejectCall(from: string, callId: string): Promise<void> {
    await this.openSocket().rejectCall(callId, toWhatsAppJid(from));
  }
  async lids(): Promise<Array<{ lid: string; pn: string }>> {
    // Baileys keeps the mapping in its key store: category 'lid-mapping', phone user → LID user,
    // plus '<lid>_reverse' entries for the other direction.
    const entries = await this.options.authState.list(this.options.session, 'lid-mapping');
    return [...entries]
      .filter(([id]) => !id.endsWith('_reverse'))
      .map(([pn, value]) => ({ pn: `${pn}@c.us`, lid: `${String(JSON.parse(value)).split(':')[0]}@lid` }));
  }
  archive(chatId: string, archived: boolean): Promise<void> {
    return this.messaging.archive(chatId, archived);
  }
  markUnread(chatId: string): Promise<void> {
    return this.messaging.markUnread(chatId);
  }
  pinChat(chatId: string, pinned: boolean): Promise<void> {
    return this.messaging.pinChat(chatId, pinned);
  }
  saveContact(chatId: string, name: { firstName: string; lastName?: string }): Promise<void> {
    return this.messaging.saveContact(chatId, name);
  }
  async block(chatId: string): Promise<void> {
    await this.openSocket().updateBlockStatus(toWhatsAppJid(chatId), 'block');
  }
  async unblock(chatId: string): Promise<void> {
    await this.openSocket().updateBlockStatus(toWhatsAppJid(chatId), 'unblock');
  }
  async blocklist(): Promise<string[]> {
    const jids = await this.openSocket().fetchBlocklist();
    return jids.filter((jid): jid is string => typeof jid === 'string').map((jid) => toWahaChatId(jid));
  }
  checkNumber(phone: string): Promise<{ numberExists: boolean; chatId: string | null }> {
    return this.messaging.checkNumber(phone);
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.credentialsForgotten = false;
    this.failedAttempts = 0;
    this.auth = await loadAuthState(this.options.authState, this.options.session);
    await this.labelBook.load();
    this.connect();
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.reconnectTimer);
    // Messages just sent get a moment to be confirmed; the others end as ERROR, not as a silence.
    if (this.socket?.ws.isOpen) await this.sent.settled(STOP_CONFIRM_MS);
    this.closeSocket();
    this.failUnconfirmed(this.sent.takeAll(), 'the session stopped');
    await this.credsWrites;
  }

  async logout(): Promise<void> {
    this.running = false;
    clearTimeout(this.reconnectTimer);
    const socket = this.socket;
    if (socket?.user) {
      await socket.logout().catch((error: unknown) => this.logger.warn({ err: error }, 'logout request failed; forgetting credentials anyway'));
    }
    this.closeSocket();
    this.failUnconfirmed(this.sent.takeAll(), 'the session logged out');
    await this.credsWrites;
    await this.options.authState.clear(this.options.session);
    this.auth = undefined;
  }

  async requestPairingCode(phoneNumber: string): Promise<string> {
    if (!this.socket) throw new Error('the engine is not connected');
    return this.socket.requestPairingCode(phoneNumber.replace(/\D/g, ''));
  }

  /** Holds Baileys' outgoing frames while a received message is not yet recorded (see OutgoingGate). */
  private gateOutgoingFrames(socket: WASocket): OutgoingGate {
    const gate: OutgoingGate = new OutgoingGate({
      onHold: () => this.auth?.defer(),
      onDrained: async () => {
        // Acks must not go out ahead of the Signal keys that decrypt their messages again.
        await this.auth?.flush().catch((error: unknown) => this.abandonConnection(socket, gate, error));
      },
    });
    const transport = (socket.ws as unknown as { socket: { send(data: unknown, callback?: (error?: Error) => void): void } | null }).socket;
    if (transport) {
      const send = transport.send.bind(transport);
      // Baileys waits for each send's callback before it goes on processing, and it is that processing
      // which records the message: so the frame is held but the callback answered at once.
      transport.send = (data, callback) => {
        gate.send(() => send(data));
        callback?.();
      };
    }
    socket.ws.on('CB:message', (node: { attrs: Record<string, string | undefined> }) => {
      if (node.attrs.id) gate.hold(node.attrs.id);
    });
    // Baileys registers a `TAG:<id>` listener right before sending a query it will wait for.
    socket.ws.on('newListener', (event: string | symbol) => {
      if (typeof event === 'string' && event.startsWith('TAG:')) gate.letNextThrough();
    });
    socket.ws.on('close', () => gate.open());
    return gate;
  }

  /** The live socket of a logged-in session; feature calls fail clearly when there is none. */
  private openSocket(): WASocket {
    if (!this.socket?.user) throw new AppError(503, 'The WhatsApp connection is not open; try again once the session is WORKING');
    return this.socket;
  }

  /** For sends: the socket must be open right now, not merely be reconnecting. */
  private sendingSocket(): WASocket {
    const socket = this.openSocket();
    if (!socket.ws.isOpen) throw new AppError(503, 'The WhatsApp connection is closed; try again once the session is WORKING');
    return socket;
  }

  /**
   * A fresh connection relays what the last one may not have delivered (frames still held by the
   * outgoing gate, or written to a socket that was already dead); see SentMessages.
   */
  private relayUnconfirmed(socket: WASocket): void {
    const { relay, givenUp } = this.sent.takeForNewConnection();
    this.failUnconfirmed(givenUp, 'WhatsApp did not confirm it over several connections');
    for (const { message, options } of relay) {
      const jid = message.key.remoteJid ?? '';
      const id = message.key.id ?? '';
      this.logger.info({ id }, 'relaying a message the last connection may not have delivered');
      socket.relayMessage(jid, message.message ?? {}, { messageId: id, ...(options.statusJidList ? { statusJidList: options.statusJidList } : {}) }).catch((error: unknown) => {
        // On a connection that is still up the refusal is final; otherwise the next one tries again.
        if (socket === this.socket && socket.ws.isOpen && this.sent.giveUp(id)) this.failUnconfirmed([message], error instanceof Error ? error.message : String(error));
      });
    }
  }

  private failUnconfirmed(messages: WAMessage[], reason: string): void {
    for (const message of messages) {
      this.logger.warn({ id: message.key.id, reason }, 'a sent message was not confirmed by WhatsApp; it ends as ERROR');
      this.acks.ack(message.key.remoteJid ?? '', message.key.id ?? '', toWahaAck(message.key, ERROR_STATUS));
    }
  }

  private meId(): string {
    const id = this.socket?.user?.id ?? this.auth?.state.creds.me?.id;
    return id ? toWahaUserId(id) : '';
  }

  private connect(): void {
    const auth = this.auth;
    if (!this.running || !auth) return;
    const { endpoint, listener } = this.options;
    const device = this.options.device ?? {};
    // Baileys checks the server's certificate chain against this exported key; pointing it at the
    // simulator's root is the single trust-anchor change the sandbox needs.
    if (endpoint.rootPublicKey) WA_CERT_DETAILS.PUBLIC_KEY = Buffer.from(endpoint.rootPublicKey);
    listener.status('STARTING');
    const socket = makeWASocket({
      auth: auth.state,
      // Baileys is chatty; its own lines only show when this session logs at debug or finer (the
      // server's level, or WAHA's config.debug for this session alone).
      logger: this.logger.child({ module: 'baileys' }, { level: ['debug', 'trace', 'silent'].includes(this.logger.level) ? this.logger.level : 'error' }),
      // What the phone shows under Linked devices: [device name, browser, version].
      browser: [device.deviceName ?? 'Ubuntu', device.browserName ?? 'zapd', '22.04.4'],
      markOnlineOnConnect: device.markOnline ?? true,
      syncFullHistory: device.fullSync === true,
      // Baileys drops FULL history chunks unless told otherwise; a session that asked for them keeps them.
      ...(device.fullSync === true ? { shouldSyncHistoryMessage: () => true } : {}),
      getMessage: async (key) => this.recent.content(key),
      ...(this.transport.socketAgent ? { agent: this.transport.socketAgent } : {}),
      ...(this.transport.uploadAgent ? { fetchAgent: this.transport.uploadAgent } : {}),
      ...(endpoint.url ? { waWebSocketUrl: endpoint.url } : {}),
    });
    this.socket = socket;
    const gate = this.gateOutgoingFrames(socket);
    socket.ev.on('creds.update', () => {
      if (this.credentialsForgotten) return;
      this.credsWrites = this.credsWrites
        .then(() => auth.saveCreds())
        .catch((error: unknown) => this.logger.error({ err: error }, 'could not save credentials'));
    });
    const record = (name: Parameters<EngineListener['event']>[0], payload: unknown): Promise<void> =>
      listener.event(name, payload).catch((error: unknown) => {
        throw new NotRecordedError(error);
      });
    this.announceContext = { record, me: () => this.meId(), acks: this.acks, sent: this.sent };
    wireEvents(socket, {
      listener: this.listener,
      record,
      acks: this.acks,
      sent: this.sent,
      recent: this.recent,
      me: () => this.meId(),
      meLid: () => socket.user?.lid ?? this.auth?.state.creds.me?.lid,
      logger: this.logger,
      media: this.options.media,
      recorded: (id) => {
        if (gate.isHolding(id)) this.unrecordedStreak = 0;
        gate.release(id);
      },
      notRecorded: (id, error) => {
        // Only a message WhatsApp waits to hear back about is delivered again (not our own sends).
        if (gate.isHolding(id)) this.abandonConnection(socket, gate, error);
        else this.logger.error({ err: error, id }, 'could not record a message');
      },
      presences: this.presenceBook,
      ...(this.transport.downloadOptions ? { downloadOptions: this.transport.downloadOptions } : {}),
    });
    this.labelBook.wire(socket, this.listener);
    socket.ev.on('connection.update', (update) => {
      if (socket !== this.socket) return;
      this.onConnectionUpdate(socket, update);
    });
  }

  private onConnectionUpdate(socket: WASocket, update: Partial<ConnectionState>): void {
    const { listener } = this;
    const state = connectionState(update);
    if (state) void listener.event('state.change', stateChangePayload(state, update));
    if (update.qr) {
      listener.status('SCAN_QR_CODE');
      listener.qr(update.qr);
    }
    if (update.connection === 'open') {
      this.failedAttempts = 0;
      const account = this.account(socket);
      if (account) listener.account(account);
      listener.status('WORKING');
      this.relayUnconfirmed(socket);
    }
    if (update.connection === 'close') this.onClose(update);
  }

  private onClose(update: Partial<ConnectionState>): void {
    this.socket = undefined;
    if (!this.running) return;
    const code = closeStatusCode(update);
    const fatal = code === undefined ? undefined : FATAL_CLOSE_REASONS.get(code);
    if (fatal) {
      this.running = false;
      this.failUnconfirmed(this.sent.takeAll(), fatal);
      this.logger.warn({ code }, `connection closed for good: ${fatal}`);
      // Credentials are cleared only after the writes already queued, and none is queued after it:
      // a save that landed after the clear brought the unlinked credentials back, and the next start
      // tried them instead of showing a QR (seen on PostgreSQL, where the clear is slower).
      const forget = code === DisconnectReason.loggedOut;
      if (forget) this.credentialsForgotten = true;
      void this.credsWrites
        .then(() => (forget ? this.options.authState.clear(this.options.session) : undefined))
        .catch((error: unknown) => this.logger.error({ err: error }, 'could not clear credentials'))
        .finally(() => this.options.listener.status('FAILED', fatal));
      return;
    }
    const proxy = proxyFailure(update);
    if (proxy?.failure === 'auth') {
      // Wrong or missing proxy credentials do not fix themselves: the user has to change config.proxy.
      this.running = false;
      this.failUnconfirmed(this.sent.takeAll(), proxy.message);
      this.logger.warn({ reason: proxy.message }, 'connection closed for good: the proxy refused the credentials');
      void this.credsWrites.finally(() => this.options.listener.status('FAILED', proxy.message));
      return;
    }
    // 515 is WhatsApp asking for a fresh connection right after pairing: not a failure.
    const delay = code === DisconnectReason.restartRequired ? 0 : reconnectDelay(this.failedAttempts++ + this.unrecordedStreak);
    // A proxy that is down may come back: retried like any network failure, with the reason kept visible.
    if (proxy) this.logger.warn({ reason: proxy.message, delay }, 'could not connect through the proxy; retrying');
    else this.logger.info({ code, delay }, 'connection closed; reconnecting');
    this.options.listener.status('STARTING', proxy?.message);
    this.reconnectTimer = setTimeout(() => this.connect(), delay);
  }

  /**
   * A received message could not be recorded (or the keys to decrypt it again could not be saved):
   * nothing held may go out, since its ack is among the held frames. The connection is dropped
   * instead, the deferred Signal keys forgotten, and the next connection gets the message again.
   */
  private abandonConnection(socket: WASocket, gate: OutgoingGate, error: unknown): void {
    if (socket !== this.socket) return;
    this.unrecordedStreak += 1;
    this.logger.error({ err: error }, 'a received message could not be recorded; reconnecting so that WhatsApp delivers it again');
    gate.abandon();
    this.auth?.discard();
    socket.end(error instanceof Error ? error : new Error(String(error)));
  }

  private account(socket: WASocket): AccountInfo | undefined {
    const user = socket.user;
    if (!user) return undefined;
    return {
      id: toWahaUserId(user.id),
      ...(user.name ? { pushName: user.name } : {}),
      ...(user.lid ? { lid: toWahaUserId(user.lid) } : {}),
    };
  }

  private closeSocket(): void {
    const socket = this.socket;
    this.socket = undefined;
    if (!socket) return;
    socket.ev.removeAllListeners('connection.update');
    socket.end(undefined);
  }
}

export function createBaileysEngine(options: EngineOptions): Engine {
  // WhatsApp's refusals (not a participant, item-not-found, …) leave as 4xx, not as 500s.
  return withApiErrors(new BaileysEngine(options));
}
