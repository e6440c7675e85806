// Baileys' event stream → WAHA's events. One place decides what each WhatsApp happening is called
// and what its payload looks like; the session manager only forwards them.
import { createHash } from 'node:crypto';
import { decryptPollVote, downloadMediaMessage, jidNormalizedUser, WAMessageStubType } from 'baileys';
import { proto } from 'baileys';
import type { ConnectionState, WAMessage, WAMessageKey, WASocket } from 'baileys';
import type { Logger } from 'pino';
import type { EventName } from '../../events/bus.ts';
import { HISTORY_EVENT, type HistoryBatch, type MediaInfo, type MessageAck, type MessageDestination } from '../dto.ts';
import type { EngineListener, MediaSink } from '../types.ts';
import { serializeMessageId, toWahaChatId } from './jids.ts';
import type { AckOrder } from './ack-order.ts';
import { wireGroupEvents } from './group-events.ts';
import { destinationEndpoints, endpoints, mediaContent, toWahaAck, toWahaMessage, toWahaReaction } from './message-mapper.ts';
import type { PresenceBook } from './profile.ts';
import type { RecentMessages } from './recent-messages.ts';
import type { SentMessages } from './sent-messages.ts';

/** A received message's events could not be recorded: it must not be acknowledged to WhatsApp. */
export class NotRecordedError extends Error {
  constructor(cause: unknown) {
    super(`the message could not be recorded: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'NotRecordedError';
  }
}

export interface EventContext {
  /** For events nothing waits on: a failure to record one is logged, never thrown. */
  listener: EngineListener;
  /** For the events of a received message: resolves once recorded, else rejects with NotRecordedError. */
  record(name: EventName, payload: unknown): Promise<void>;
  recent: RecentMessages;
  me(): string;
  /** Our own LID (`123@lid`), when WhatsApp has told us. */
  meLid(): string | undefined;
  logger: Logger;
  media: MediaSink;
  /** Fetch options for media downloads (a dispatcher trusting the media host's certificate). */
  downloadOptions?: RequestInit;
  /** Told when a received message has been recorded, so its acknowledgement may go out. */
  recorded(id: string): void;
  /** Told when it could not be: its acknowledgement must never go out. */
  notRecorded(id: string, error: NotRecordedError): void;
  presences: PresenceBook;
  /** Orders and deduplicates the acks of our messages; lives as long as the engine. */
  acks: AckOrder<MessageAck>;
  /** Our API sends: announced once, tracked until the server confirms them. */
  sent: SentMessages;
}

/** What announcing one of our own messages needs. */
export type AnnounceContext = Pick<EventContext, 'record' | 'me' | 'acks' | 'sent'>;

/** Downloads a message's media into the sink; a failure is reported in `media.error`, as WAHA does. */
async function fetchMedia(socket: WASocket, message: WAMessage, context: EventContext): Promise<MediaInfo | null> {
  const media = mediaContent(message.message);
  if (!media) return null;
  const info: MediaInfo = { url: null, mimetype: media.mimetype, filename: media.filename, error: null };
  try {
    const data = (await downloadMediaMessage(message, 'buffer', context.downloadOptions ? { options: context.downloadOptions } : {}, {
      reuploadRequest: socket.updateMediaMessage,
      logger: context.logger,
    })) as Buffer;
    info.url = await context.media.save(serializeMessageId(message.key ?? {}), data, media.mimetype, media.filename);
  } catch (error) {
    context.logger.warn({ err: error }, 'could not download media');
    info.error = { message: error instanceof Error ? error.message : String(error) };
  }
  return info;
}

function destination(key: proto.IMessageKey, me: string): MessageDestination {
  const { from, to } = destinationEndpoints(key, me);
  return { id: serializeMessageId(key), from, to, fromMe: key.fromMe === true };
}

/** Baileys' PENDING status: a message handed to WhatsApp, not yet acknowledged. */
const PENDING_STATUS = 1;

/** Content that is bookkeeping, not a message a user would see in a chat. */
function isSilent(message: WAMessage): boolean {
  const content = message.message;
  if (!content) return true;
  return Boolean(content.protocolMessage || content.reactionMessage || content.pollUpdateMessage || content.senderKeyDistributionMessage && Object.keys(content).length === 1);
}

/**
 * Records the `message.any` of a message we sent through the API, once (the send and Baileys' own
 * upsert both ask; see SentMessages), as sent (PENDING): a receipt Baileys folded into the message
 * follows as its ack, so that clients see each step, in order. Silent content (edits, revokes,
 * votes) has no `message.any`.
 */
export function announceSent(message: WAMessage, context: AnnounceContext): Promise<void> {
  const key = message.key;
  const id = key?.id;
  if (!key || !id || isSilent(message)) {
    if (id) context.sent.silent(id);
    return Promise.resolve();
  }
  const chatJid = key.remoteJid ?? '';
  return context.sent.announce(id, async () => {
    const payload = toWahaMessage(message, { me: context.me(), source: 'api', status: PENDING_STATUS });
    await context.record('message.any', payload);
    context.acks.announced(chatJid, id);
  });
}

export function wireEvents(socket: WASocket, context: EventContext): void {
  const { listener, acks } = context;

  // Messages are reported one after another, media downloaded first, so a chat's events keep their order.
  let reported: Promise<void> = Promise.resolve();
  socket.ev.on('messages.upsert', ({ messages, type }) => {
    for (const message of messages) {
      context.recent.remember(message);
      const id = message.key?.id ?? '';
      if (type !== 'notify' && type !== 'append') {
        context.recorded(id);
        continue;
      }
      reported = reported
        .then(() => report(message))
        .then(
          () => context.recorded(id),
          (error: unknown) => {
            if (error instanceof NotRecordedError) return context.notRecorded(id, error);
            // A message we cannot make sense of would fail the same way when delivered again.
            context.logger.error({ err: error }, 'could not report a message');
            context.recorded(id);
          },
        );
    }
  });

  // History from the phone is stored, not replayed as `message` events: a bot must not answer
  // last month's messages because a device was linked today.
  socket.ev.on('messaging-history.set', ({ chats, contacts, messages, syncType, progress, isLatest }) => {
    const me = context.me();
    const batch: HistoryBatch = {
      syncType: syncType === undefined || syncType === null ? 'UNKNOWN' : (proto.HistorySync.HistorySyncType[syncType] ?? String(syncType)),
      progress: typeof progress === 'number' ? progress : null,
      isLatest: typeof isLatest === 'boolean' ? isLatest : null,
      chats: chats.map((chat) => ({
        id: toWahaChatId(chat.id),
        name: chat.name ?? null,
        unreadCount: chat.unreadCount ?? 0,
        conversationTimestamp: Number(chat.conversationTimestamp ?? 0),
        archived: chat.archived === true,
        pinned: Boolean(chat.pinned),
      })),
      contacts: contacts.map((contact) => ({ id: toWahaChatId(contact.id), name: contact.name ?? contact.notify ?? null })),
      messages: messages.filter((message) => !isSilent(message)).map((message) => toWahaMessage(message, { me, source: 'app' })),
    };
    reported = reported
      .then(() => listener.event('engine.event', { event: HISTORY_EVENT, data: batch }))
      .catch((error: unknown) => context.logger.error({ err: error }, 'could not record the history'));
  });

  async function report(message: WAMessage): Promise<void> {
    const me = context.me();
    const reaction = toWahaReaction(message);
    if (reaction) await context.record('message.reaction', reaction);
    if (message.message?.pollUpdateMessage) await onPollVote(message, context);
    // A message WhatsApp delivered but this device could not decrypt yet ("Waiting for this
    // message"); the sender is asked to retry, and the real message follows under the same id.
    if (!message.message && message.messageStubType === WAMessageStubType.CIPHERTEXT && !message.key?.fromMe) {
      await context.record('message.waiting', toWahaMessage(message, { me, source: 'app' }));
      return;
    }
    if (isSilent(message)) return;
    const source = context.recent.wasSentByApi(message) ? 'api' : 'app';
    if (source === 'api' && message.key?.fromMe) {
      // Usually already recorded by the send itself, which waited for it before answering.
      await announceSent(message, context);
      // Baileys' event buffer may fold receipts that came meanwhile into the message it hands us
      // (and drop them as updates): they follow as acks.
      if (typeof message.status === 'number' && message.status > PENDING_STATUS) acks.ack(message.key.remoteJid ?? '', message.key.id ?? '', toWahaAck(message.key, message.status));
      return;
    }
    const media = message.key?.fromMe ? undefined : await fetchMedia(socket, message, context);
    const payload = toWahaMessage(message, { me, source, ...(media !== undefined ? { media } : {}) });
    // Published together so both are recorded in one transaction, still in this order.
    await Promise.all([context.record('message.any', payload), ...(message.key?.fromMe ? [] : [context.record('message', payload)])]);
    if (message.key?.fromMe) acks.announced(message.key.remoteJid ?? '', message.key.id ?? '');
  }

  // Baileys keeps the server's ack to itself; it is WAHA's SERVER (1) step between PENDING and DEVICE.
  socket.ws.on('CB:ack,class:message', (node: { attrs: Record<string, string | undefined> }) => {
    const { id, from, error } = node.attrs;
    // Even a refusal confirms that WhatsApp has the stanza: it is not relayed again (Baileys reports
    // the refusal as ERROR).
    if (id) context.sent.confirmed(id);
    if (!id || !from || error) return;
    const key = { remoteJid: jidNormalizedUser(from), id, fromMe: true };
    acks.ack(key.remoteJid, id, toWahaAck(key, 2));
  });

  socket.ev.on('messages.update', (updates) => {
    for (const { key, update } of updates) {
      if (typeof update.status === 'number' && key.fromMe) acks.ack(key.remoteJid ?? '', key.id ?? '', toWahaAck(key, update.status));
      if (update.messageStubType === WAMessageStubType.REVOKE) onRevoke(key, update, context);
      const edited = update.message?.editedMessage?.message;
      if (edited) onEdit(key, edited, update, context);
    }
  });

  // Group receipts arrive per participant; WAHA reports them as acks of the group message.
  socket.ev.on('message-receipt.update', (receipts) => {
    for (const { key, receipt } of receipts) {
      if (!key.fromMe) continue;
      const status = receipt.playedTimestamp ? 5 : receipt.readTimestamp ? 4 : receipt.receiptTimestamp ? 3 : undefined;
      const participant = toWahaChatId(receipt.userJid);
      if (status !== undefined) acks.ack(key.remoteJid ?? '', key.id ?? '', { ...toWahaAck(key, status), participant }, participant);
    }
  });

  socket.ev.on('presence.update', ({ id, presences }) => {
    const names: Record<string, string> = { available: 'online', unavailable: 'offline', composing: 'typing' };
    const chat = {
      id: toWahaChatId(id),
      presences: Object.entries(presences).map(([participant, presence]) => ({
        participant: toWahaChatId(participant),
        lastKnownPresence: names[presence.lastKnownPresence] ?? presence.lastKnownPresence,
        lastSeen: presence.lastSeen ?? null,
      })),
    };
    context.presences.update(chat);
    void listener.event('presence.update', chat);
  });

  socket.ev.on('chats.update', (chats) => {
    for (const chat of chats) {
      if (typeof chat.archived === 'boolean' && chat.id) {
        listener.event('chat.archive', { id: toWahaChatId(chat.id), archived: chat.archived, timestamp: Math.floor(Date.now() / 1000) });
      }
    }
  });

  socket.ev.on('call', (calls) => {
    const names = { offer: 'call.received', accept: 'call.accepted', reject: 'call.rejected' } as const;
    for (const call of calls) {
      const name = names[call.status as keyof typeof names];
      if (!name) continue;
      listener.event(name, {
        id: call.id,
        from: toWahaChatId(call.from),
        timestamp: Math.floor(new Date(call.date).getTime() / 1000),
        isVideo: call.isVideo ?? false,
        isGroup: call.isGroup ?? false,
      });
    }
  });

  wireGroupEvents(socket, {
    listener,
    logger: context.logger,
    myIds: () => [context.me().replace('@c.us', '@s.whatsapp.net'), context.meLid()].filter((id): id is string => Boolean(id)),
  });
}

/** WAHA's `state.change`: our state word, and what Baileys' connection update said (no QR, no error objects). */
export function stateChangePayload(state: string, update: Partial<ConnectionState>): Record<string, unknown> {
  const error = update.lastDisconnect?.error as (Error & { output?: { statusCode?: number } }) | undefined;
  return {
    state,
    ...(update.connection ? { connection: update.connection } : {}),
    ...(update.isNewLogin !== undefined ? { isNewLogin: update.isNewLogin } : {}),
    ...(update.isOnline !== undefined ? { isOnline: update.isOnline } : {}),
    ...(update.receivedPendingNotifications !== undefined ? { receivedPendingNotifications: update.receivedPendingNotifications } : {}),
    ...(update.lastDisconnect
      ? { lastDisconnect: { date: update.lastDisconnect.date, error: error ? { message: error.message, statusCode: error.output?.statusCode ?? null } : null } }
      : {}),
  };
}

function onRevoke(key: proto.IMessageKey, update: Partial<WAMessage>, context: EventContext): void {
  const me = context.me();
  const original = context.recent.find(key.remoteJid ?? '', key.id ?? '');
  const revoker = update.key ?? key;
  context.listener.event('message.revoked', {
    before: original ? toWahaMessage(original, { me, source: 'app' }) : null,
    after: { id: serializeMessageId(revoker), ...endpoints(revoker), fromMe: revoker.fromMe === true, timestamp: Math.floor(Date.now() / 1000), body: null },
    revokedMessageId: key.id ?? '',
  });
}

function onEdit(key: proto.IMessageKey, edited: proto.IMessage, update: Partial<WAMessage>, context: EventContext): void {
  const me = context.me();
  const message: WAMessage = { key, message: edited, messageTimestamp: update.messageTimestamp ?? Math.floor(Date.now() / 1000) };
  context.listener.event('message.edited', {
    ...toWahaMessage(message, { me, source: 'app' }),
    editedMessageId: key.id ?? '',
  });
}

function decryptWithAnyIdentity(
  vote: proto.Message.IPollEncValue,
  pollMsgId: string,
  pollEncKey: Uint8Array,
  creators: Array<string | null | undefined>,
  voters: Array<string | null | undefined>,
): proto.Message.PollVoteMessage {
  const unique = (jids: Array<string | null | undefined>) => [...new Set(jids.filter((jid): jid is string => Boolean(jid)).map((jid) => jidNormalizedUser(jid)))];
  let lastError: unknown = new Error('no identities to try');
  for (const pollCreatorJid of unique(creators)) {
    for (const voterJid of unique(voters)) {
      try {
        return decryptPollVote(vote, { pollCreatorJid, pollMsgId, pollEncKey, voterJid });
      } catch (error) {
        lastError = error;
      }
    }
  }
  throw lastError;
}

/** Baileys leaves poll votes encrypted; the poll's own secret (kept with the poll message) opens them. */
async function onPollVote(message: WAMessage, context: EventContext): Promise<void> {
  const update = message.message?.pollUpdateMessage;
  const pollKey: WAMessageKey | null | undefined = update?.pollCreationMessageKey;
  if (!update || !pollKey || !message.key) return;
  const me = context.me();
  const meJid = jidNormalizedUser(me.replace('@c.us', '@s.whatsapp.net'));
  const vote = {
    ...destination(message.key, me),
    selectedOptions: [] as string[],
    timestamp: Number(update.senderTimestampMs ?? message.messageTimestamp ?? 0),
  };
  const poll = context.recent.find(pollKey.remoteJid ?? '', pollKey.id ?? '');
  const secret = poll?.message?.messageContextInfo?.messageSecret;
  const creation = poll?.message?.pollCreationMessage ?? poll?.message?.pollCreationMessageV2 ?? poll?.message?.pollCreationMessageV3;
  if (!poll || !secret || !creation || !update.vote) {
    await context.record('poll.vote.failed', { vote, poll: destination(pollKey, me) });
    return;
  }
  // Clients disagree on whether a poll's creator and voter are named by phone number or by LID,
  // so every pairing is tried; only the right one passes the AES-GCM authentication.
  const creators = pollKey.fromMe ? [meJid, context.meLid()] : [pollKey.participant, pollKey.participantAlt, pollKey.remoteJid, pollKey.remoteJidAlt];
  const voters = [message.key.participant, message.key.participantAlt, message.key.remoteJid, message.key.remoteJidAlt];
  try {
    const decrypted = decryptWithAnyIdentity(update.vote, pollKey.id ?? '', secret, creators, voters);
    const chosen = new Set((decrypted.selectedOptions ?? []).map((hash) => Buffer.from(hash).toString('hex')));
    vote.selectedOptions = (creation.options ?? [])
      .map((option) => option.optionName ?? '')
      .filter((name) => chosen.has(createHash('sha256').update(name).digest('hex')));
  } catch (error) {
    context.logger.warn({ err: error }, 'could not decrypt a poll vote');
    await context.record('poll.vote.failed', { vote, poll: destination(pollKey, me) });
    return;
  }
  await context.record('poll.vote', { vote, poll: destination(pollKey, me) });
}

