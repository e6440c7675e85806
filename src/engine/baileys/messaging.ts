// Sending, editing, revoking and acknowledging messages: our verbs turned into Baileys calls.
import { generateMessageIDV2, generateWAMessageFromContent, getKeyAuthor, isJidGroup, isPnUser, jidNormalizedUser, prepareWAMessageMedia } from 'baileys';
import type { AnyMessageContent, MiscMessageGenerationOptions, WAMessage, WASocket, proto } from 'baileys';
import { AppError, badRequest, notFound } from '../../errors.ts';
import type { SentMessage } from '../dto.ts';
import { MENTION_ALL, type OutgoingContent, type OutgoingFile, type SendOptions } from '../types.ts';
import { parseMessageId, toWahaChatId, toWhatsAppJid } from './jids.ts';
import { toSentMessage } from './message-mapper.ts';
import { encryptPollVote } from './poll-votes.ts';
import type { RecentMessages } from './recent-messages.ts';
import type { RelayOptions, SentMessages } from './sent-messages.ts';

export interface MessagingContext {
  socket(): WASocket;
  me(): string;
  recent: RecentMessages;
  sent: SentMessages;
  /** Resolves once the sent message's `message.any` is recorded (see SentMessages). */
  recordSent(message: WAMessage): Promise<void>;
}

function toBaileysContent(content: OutgoingContent): AnyMessageContent {
  switch (content.kind) {
    case 'text':
      // null, not undefined: Baileys would otherwise fetch the link itself, past our address guard.
      return { text: content.text, linkPreview: null };
    case 'image':
      return { image: content.file.data, mimetype: content.file.mimetype, ...(content.caption ? { caption: content.caption } : {}) };
    case 'file':
      return {
        document: content.file.data,
        mimetype: content.file.mimetype,
        fileName: content.file.filename ?? 'file',
        ...(content.caption ? { caption: content.caption } : {}),
      };
    case 'voice':
      return { audio: content.file.data, mimetype: content.file.mimetype, ptt: true };
    case 'video':
      return {
        video: content.file.data,
        mimetype: content.file.mimetype,
        ...(content.caption ? { caption: content.caption } : {}),
        ...(content.asNote ? { ptv: true } : {}),
      };
    case 'location':
      return {
        location: {
          degreesLatitude: content.latitude,
          degreesLongitude: content.longitude,
          ...(content.title ? { name: content.title } : {}),
          ...(content.address ? { address: content.address } : {}),
          ...(content.url ? { url: content.url } : {}),
        },
      };
    case 'contacts':
      return {
        contacts: {
          displayName: content.contacts.length === 1 ? content.contacts[0]?.displayName : `${content.contacts.length} contacts`,
          contacts: content.contacts.map((contact) => ({ displayName: contact.displayName, vcard: contact.vcard })),
        },
      };
    case 'poll':
      return { poll: { name: content.name, values: content.options, selectableCount: content.multipleAnswers ? content.options.length : 1 } };
    case 'event':
      return {
        event: {
          name: content.name,
          ...(content.description ? { description: content.description } : {}),
          startDate: new Date(content.startTime * 1000),
          ...(content.endTime ? { endDate: new Date(content.endTime * 1000) } : {}),
          ...(content.location ? { location: { name: content.location } } : {}),
          ...(content.extraGuestsAllowed !== undefined ? { extraGuestsAllowed: content.extraGuestsAllowed } : {}),
        },
      };
    case 'linkPreview':
      return {
        text: content.text.includes(content.preview.matchedText ?? content.preview.url) ? content.text : `${content.text}\n${content.preview.url}`,
        linkPreview: {
          'canonical-url': content.preview.url,
          'matched-text': content.preview.matchedText ?? content.preview.url,
          title: content.preview.title,
          ...(content.preview.description ? { description: content.preview.description } : {}),
          ...(content.preview.image ? { jpegThumbnail: content.preview.image.data } : {}),
        },
      };
  }
}

/** Resolves a WAHA id (or a bare WhatsApp id within `chatId`) to the message key Baileys needs. */
export function resolveKey(chatId: string, messageId: string): proto.IMessageKey {
  const parsed = parseMessageId(messageId);
  if (parsed) {
    return { remoteJid: parsed.remoteJid, id: parsed.id, fromMe: parsed.fromMe, ...(parsed.participant ? { participant: parsed.participant } : {}) };
  }
  if (!/^[A-Za-z0-9]+$/.test(messageId)) throw badRequest(`'${messageId}' is not a message id (expected true_<chatId>_<id>)`);
  return { remoteJid: toWhatsAppJid(chatId), id: messageId, fromMe: true };
}

export class Messaging {
  constructor(private readonly context: MessagingContext) {}

  async send(chatId: string, content: OutgoingContent, options: SendOptions = {}): Promise<SentMessage> {
    const jid = toWhatsAppJid(chatId);
    const baileysContent = toBaileysContent(content);
    if (options.mentions?.length) {
      // Texts and captions (image, video, document) carry mentions; other content has nowhere to put them.
      if (!('text' in baileysContent) && !('caption' in baileysContent)) throw badRequest('mentions need a text or a caption');
      Object.assign(baileysContent, { mentions: await this.mentionJids(jid, options.mentions) });
    }
    if (content.kind === 'linkPreview') await this.attachFullPreviewImage(baileysContent, content.preview.fullImage);
    const generation: MiscMessageGenerationOptions = {};
    if (options.replyTo) generation.quoted = this.quotable(chatId, options.replyTo);
    return this.relay(jid, baileysContent, generation);
  }

  /**
   * WAHA's linkPreviewHighQuality: the page's image is uploaded whole (as WhatsApp's 'thumbnail-link'
   * media) and the preview points at it, so phones draw the large card instead of the small thumbnail.
   */
  private async attachFullPreviewImage(content: AnyMessageContent, fullImage: OutgoingFile | undefined): Promise<void> {
    if (!fullImage || !('linkPreview' in content) || !content.linkPreview) return;
    const uploaded = await prepareWAMessageMedia({ image: fullImage.data, mimetype: fullImage.mimetype }, { upload: this.context.socket().waUploadToServer, mediaTypeOverride: 'thumbnail-link' });
    const image = uploaded.imageMessage;
    if (!image) return;
    content.linkPreview.highQualityThumbnail = image;
    if (!content.linkPreview.jpegThumbnail && image.jpegThumbnail) content.linkPreview.jpegThumbnail = Buffer.from(image.jpegThumbnail);
  }

  async sendStatus(content: OutgoingContent, audience: string[], style: { backgroundColor?: string; font?: number } = {}): Promise<SentMessage> {
    if (audience.length === 0) throw badRequest('a status needs at least one contact to show it to');
    return this.relay('status@broadcast', toBaileysContent(content), { statusJidList: audience.map(toWhatsAppJid), ...style });
  }

  async deleteStatus(statusId: string, audience: string[]): Promise<void> {
    const id = parseMessageId(statusId)?.id ?? statusId;
    await this.context.socket().sendMessage('status@broadcast', { delete: { remoteJid: 'status@broadcast', id, fromMe: true } }, { statusJidList: audience.map(toWhatsAppJid) });
  }

  newMessageId(): string {
    return generateMessageIDV2(this.context.socket().user?.id);
  }

  async forward(chatId: string, messageId: string): Promise<SentMessage> {
    const original = this.lookup(chatId, messageId);
    return this.relay(toWhatsAppJid(chatId), { forward: original });
  }

  async react(messageId: string, reaction: string): Promise<void> {
    // There is no chat to read a bare id against: the reaction needs WAHA's full id.
    if (!parseMessageId(messageId)) throw badRequest(`'${messageId}' is not a full message id (expected true_<chatId>_<id> or false_<chatId>_<id>)`);
    const key = resolveKey('', messageId);
    await this.context.socket().sendMessage(key.remoteJid ?? '', { react: { text: reaction, key } });
  }

  /** `content` is the new text, or the new text with its link preview (WAHA's linkPreview on edits). */
  async edit(chatId: string, messageId: string, content: Extract<OutgoingContent, { kind: 'text' | 'linkPreview' }>): Promise<SentMessage> {
    const key = resolveKey(chatId, messageId);
    if (!key.fromMe) throw badRequest('only your own messages can be edited');
    const baileysContent = toBaileysContent(content);
    if (content.kind === 'linkPreview') await this.attachFullPreviewImage(baileysContent, content.preview.fullImage);
    return this.relay(key.remoteJid ?? toWhatsAppJid(chatId), { ...baileysContent, edit: key } as AnyMessageContent);
  }

  async revoke(chatId: string, messageId: string): Promise<void> {
    const key = resolveKey(chatId, messageId);
    await this.context.socket().sendMessage(key.remoteJid ?? toWhatsAppJid(chatId), { delete: key });
  }

  async star(chatId: string, messageId: string, star: boolean): Promise<void> {
    const key = resolveKey(chatId, messageId);
    await this.context.socket().chatModify({ star: { messages: [{ id: key.id ?? '', fromMe: key.fromMe ?? false }], star } }, key.remoteJid ?? toWhatsAppJid(chatId));
  }

  async pin(chatId: string, messageId: string, pin: boolean, durationSeconds: 86400 | 604800 | 2592000 = 604800): Promise<void> {
    const key = resolveKey(chatId, messageId);
    await this.context.socket().sendMessage(key.remoteJid ?? toWhatsAppJid(chatId), pin ? { pin: key, type: 1, time: durationSeconds } : { pin: key, type: 2 });
  }

  async archive(chatId: string, archived: boolean): Promise<void> {
    const jid = toWhatsAppJid(chatId);
    await this.context.socket().chatModify({ archive: archived, lastMessages: this.lastMessages(jid) }, jid);
  }

  async pinChat(chatId: string, pinned: boolean): Promise<void> {
    await this.context.socket().chatModify({ pin: pinned }, toWhatsAppJid(chatId));
  }

  async markUnread(chatId: string): Promise<void> {
    const jid = toWhatsAppJid(chatId);
    await this.context.socket().chatModify({ markRead: false, lastMessages: this.lastMessages(jid) }, jid);
  }

  async saveContact(chatId: string, name: { firstName: string; lastName?: string }): Promise<void> {
    const fullName = [name.firstName, name.lastName].filter(Boolean).join(' ');
    await this.context.socket().addOrEditContact(toWhatsAppJid(chatId), { fullName, firstName: name.firstName, saveOnPrimaryAddressbook: true });
  }

  /** WhatsApp ties chat-level changes to the chat's latest message. */
  private lastMessages(jid: string): Array<{ key: proto.IMessageKey; messageTimestamp: number }> {
    const latest = this.context.recent.latestIn(jid);
    return latest?.key ? [{ key: latest.key, messageTimestamp: Number(latest.messageTimestamp ?? 0) }] : [];
  }

  /** Chat ids as WhatsApp jids, with MENTION_ALL expanded to the group's members. */
  private async mentionJids(jid: string, mentions: string[]): Promise<string[]> {
    const jids = new Set(mentions.filter((mention) => mention !== MENTION_ALL).map(toWhatsAppJid));
    if (mentions.includes(MENTION_ALL)) {
      if (!isJidGroup(jid)) throw badRequest("mentions: ['all'] works in groups only");
      const group = await this.context.socket().groupMetadata(jid);
      for (const participant of group.participants) jids.add(participant.phoneNumber ?? participant.id);
    }
    return [...jids];
  }

  async markRead(chatId: string, messageIds: string[], participant?: string): Promise<void> {
    const author = participant ? toWhatsAppJid(participant) : undefined;
    // A bare WhatsApp id names a message someone sent us: only those are read.
    const keys = messageIds
      .map((id) => (parseMessageId(id) ? resolveKey(chatId, id) : { ...resolveKey(chatId, id), fromMe: false }))
      .filter((key) => !key.fromMe)
      // A group message's receipt names its author; ids without the author's suffix take it from `participant`.
      .map((key) => (author && !key.participant && isJidGroup(key.remoteJid ?? '') ? { ...key, participant: author } : key));
    if (keys.length > 0) await this.context.socket().readMessages(keys);
  }

  async setChatState(chatId: string, state: 'composing' | 'recording' | 'paused'): Promise<void> {
    await this.context.socket().sendPresenceUpdate(state, toWhatsAppJid(chatId));
  }

  /** Votes in a poll; an empty list retracts the vote. */
  async votePoll(chatId: string, pollMessageId: string, votes: string[]): Promise<SentMessage> {
    const poll = this.lookup(chatId, pollMessageId);
    const content = poll.message;
    const creation = content?.pollCreationMessage ?? content?.pollCreationMessageV2 ?? content?.pollCreationMessageV3;
    const secret = content?.messageContextInfo?.messageSecret;
    if (!creation || !secret || !poll.key) throw badRequest(`'${pollMessageId}' is not a poll this session can vote in`);
    const names = new Set((creation.options ?? []).map((option) => option.optionName ?? ''));
    const unknown = votes.filter((vote) => !names.has(vote));
    if (unknown.length > 0) throw badRequest(`not options of this poll: ${unknown.join(', ')}`);
    const socket = this.context.socket();
    const meJid = jidNormalizedUser(socket.user?.id ?? '');
    const vote = encryptPollVote(votes, {
      pollMsgId: poll.key.id ?? '',
      pollCreatorJid: getKeyAuthor(poll.key, meJid),
      voterJid: meJid,
      pollEncKey: secret,
    });
    const jid = poll.key.remoteJid ?? toWhatsAppJid(chatId);
    const message = generateWAMessageFromContent(
      jid,
      { pollUpdateMessage: { pollCreationMessageKey: poll.key, vote, senderTimestampMs: Date.now() } },
      { userJid: meJid },
    );
    this.context.recent.markSentByApi(jid, message.key.id ?? '');
    await socket.relayMessage(jid, message.message ?? {}, { messageId: message.key.id ?? undefined });
    return this.remembered(message);
  }

  async checkNumber(phone: string): Promise<{ numberExists: boolean; chatId: string | null }> {
    const digits = phone.replace(/\D/g, '');
    if (digits.length < 5) throw badRequest(`'${phone}' is not a phone number`);
    const [result] = (await this.context.socket().onWhatsApp(`${digits}@s.whatsapp.net`)) ?? [];
    return result?.exists ? { numberExists: true, chatId: toWahaChatId(result.jid) } : { numberExists: false, chatId: null };
  }

  /**
   * Sends, then answers only once the message's `message.any` is recorded: an answered send is in
   * the history and on its way to the webhooks whatever happens to the process next.
   */
  private async relay(jid: string, content: AnyMessageContent, options: MiscMessageGenerationOptions = {}): Promise<SentMessage> {
    const socket = this.context.socket();
    // Baileys emits our own message event around the time sendMessage resolves, so the id is chosen
    // and marked as ours first; the event then reports `source: 'api'`, and its acks wait for it.
    const messageId = generateMessageIDV2(socket.user?.id);
    this.context.recent.markSentByApi(jid, messageId);
    const { sent } = this.context;
    sent.sending(messageId);
    let message: WAMessage | undefined;
    try {
      message = await socket.sendMessage(jid, content, { ...options, messageId });
    } catch (error) {
      sent.abandoned(messageId);
      throw error;
    }
    if (!message) throw new Error('the engine did not return the sent message');
    const relayOptions: RelayOptions = options.statusJidList ? { statusJidList: options.statusJidList } : {};
    sent.handedOver(message, relayOptions);
    try {
      await this.context.recordSent(message);
    } catch (error) {
      throw new AppError(500, `The message ${message.key.id ?? ''} went to WhatsApp but could not be recorded: ${error instanceof Error ? error.message : String(error)}`);
    }
    // Bookkeeping for the next send (a missed record only costs one more token IQ): it must not turn
    // a message that is sent and recorded into an error, which a client would answer by sending again.
    if (isPnUser(jid)) await this.keepTrustTokenIssued(socket, jid).catch(() => undefined);
    return this.remembered(message);
  }

  /**
   * After a 1:1 send, Baileys issues our trusted-contact token to the contact (at most once a week)
   * and records when, from a promise chain that still runs inside its finished key transaction:
   * with a store that commits quickly the record lands in the dead transaction and is lost, so the
   * token was issued again with every message (an extra IQ round trip each). We record it where
   * Baileys meant to.
   */
  private async keepTrustTokenIssued(socket: WASocket, jid: string): Promise<void> {
    const lid = await socket.signalRepository.lidMapping.getLIDForPN(jid);
    if (!lid) return;
    const entry = (await socket.authState.keys.get('tctoken', [lid]))[lid];
    if (entry?.senderTimestamp !== undefined) return;
    await socket.authState.keys.set({ tctoken: { [lid]: { ...entry, token: entry?.token ?? Buffer.alloc(0), senderTimestamp: Math.floor(Date.now() / 1000) } } });
  }

  private remembered(sent: WAMessage): SentMessage {
    this.context.recent.remember(sent);
    return toSentMessage(sent, this.context.me());
  }

  private lookup(chatId: string, messageId: string): WAMessage {
    const key = resolveKey(chatId, messageId);
    const found = this.context.recent.find(key.remoteJid ?? '', key.id ?? '');
    if (!found) throw notFound(`Message '${messageId}' is not known to this session`);
    return found;
  }

  /** Quoting needs the original; an unknown one is quoted by key alone, as WhatsApp allows. */
  private quotable(chatId: string, messageId: string): WAMessage {
    const key = resolveKey(chatId, messageId);
    return this.context.recent.find(key.remoteJid ?? '', key.id ?? '') ?? { key, message: { conversation: '' } };
  }
}
