// Baileys' WAMessage (WhatsApp's protobuf) → WAHA's message payload.
import { extractMessageContent, getContentType, proto } from 'baileys';
import type { WAMessage } from 'baileys';
import { ackName, type Location, type MediaInfo, type Message, type MessageAck, type MessageReaction, type ReplyTo, type SentMessage } from '../dto.ts';
import { serializeMessageId, toWahaChatId } from './jids.ts';

type Content = proto.IMessage;

const MEDIA_KINDS = ['imageMessage', 'videoMessage', 'audioMessage', 'documentMessage', 'stickerMessage', 'ptvMessage'] as const;
type MediaKind = (typeof MEDIA_KINDS)[number];

export interface MediaContent {
  kind: MediaKind;
  mimetype: string | null;
  filename: string | null;
  caption: string | null;
}

export function mediaContent(message: Content | null | undefined): MediaContent | undefined {
  const content = extractMessageContent(message);
  if (!content) return undefined;
  for (const kind of MEDIA_KINDS) {
    const media = content[kind];
    if (!media) continue;
    const caption = 'caption' in media && typeof media.caption === 'string' ? media.caption : null;
    const filename = kind === 'documentMessage' ? (content.documentMessage?.fileName ?? null) : null;
    return { kind, mimetype: media.mimetype ?? null, filename, caption };
  }
  return undefined;
}

export function messageBody(message: Content | null | undefined): string | null {
  const content = extractMessageContent(message);
  if (!content) return null;
  return (
    content.conversation ||
    content.extendedTextMessage?.text ||
    mediaContent(content)?.caption ||
    content.pollCreationMessage?.name ||
    content.pollCreationMessageV3?.name ||
    content.templateButtonReplyMessage?.selectedDisplayText ||
    content.buttonsResponseMessage?.selectedDisplayText ||
    content.listResponseMessage?.title ||
    null
  );
}

function contextInfo(message: Content | null | undefined): proto.IContextInfo | undefined {
  const content = extractMessageContent(message);
  const type = getContentType(content ?? undefined);
  if (!content || !type) return undefined;
  const inner = content[type];
  if (inner && typeof inner === 'object' && 'contextInfo' in inner) {
    return (inner as { contextInfo?: proto.IContextInfo | null }).contextInfo ?? undefined;
  }
  return undefined;
}

function replyTo(message: Content | null | undefined): ReplyTo | null {
  const context = contextInfo(message);
  if (!context?.stanzaId) return null;
  const body = messageBody(context.quotedMessage);
  return {
    id: context.stanzaId,
    ...(context.participant ? { participant: toWahaChatId(context.participant) } : {}),
    ...(body !== null ? { body } : {}),
  };
}

function location(message: Content | null | undefined): Location | null {
  const content = extractMessageContent(message);
  const found = content?.locationMessage ?? content?.liveLocationMessage;
  if (!found || found.degreesLatitude == null || found.degreesLongitude == null) return null;
  const place = content?.locationMessage;
  return {
    latitude: found.degreesLatitude,
    longitude: found.degreesLongitude,
    ...(place?.name ? { name: place.name, description: place.name } : {}),
    ...(place?.address ? { address: place.address } : {}),
    ...(place?.url ? { url: place.url } : {}),
  };
}

function vCards(message: Content | null | undefined): string[] {
  const content = extractMessageContent(message);
  if (content?.contactMessage?.vcard) return [content.contactMessage.vcard];
  return (content?.contactsArrayMessage?.contacts ?? []).flatMap((contact) => (contact.vcard ? [contact.vcard] : []));
}

/**
 * Baileys' status counts ERROR=0, PENDING=1...; WAHA's ack is the same scale shifted by one. A message
 * without a status is one WhatsApp delivered to this device: NOWEB reports it as DEVICE (2).
 */
export function statusToAck(status: number | null | undefined): number {
  return (typeof status === 'number' ? status : DELIVERED_STATUS) - 1;
}

const DELIVERED_STATUS = 3;

/**
 * `from`, `to` and `participant` as WAHA's NOWEB engine reports them, whoever sent the message:
 * `from` is always the chat; in a group (a key naming its participant) `to` is the group too and
 * `participant` the author; in a 1:1 chat `to` and `participant` are absent.
 */
export function endpoints(key: proto.IMessageKey): { from: string; to?: string; participant?: string } {
  const chat = toWahaChatId(key.remoteJid);
  if (!key.participant) return { from: chat };
  return { from: chat, to: chat, participant: toWahaChatId(key.participant) };
}

/** Who sent it and to whom, as NOWEB's poll votes say it: a group author or me, to the chat (or me). */
export function destinationEndpoints(key: proto.IMessageKey, me: string): { from: string; to: string } {
  const chat = toWahaChatId(key.remoteJid);
  if (key.participant) return { from: toWahaChatId(key.participant), to: chat };
  return key.fromMe ? { from: me, to: chat } : { from: chat, to: me };
}

export interface MapOptions {
  me: string;
  source: 'api' | 'app';
  media?: MediaInfo | null;
  /** The Baileys status to report instead of the message's own (see the events' ack order). */
  status?: number;
}

export function toWahaMessage(message: WAMessage, options: MapOptions): Message {
  const key = message.key ?? {};
  const media = mediaContent(message.message);
  const ack = statusToAck(options.status ?? message.status);
  const { from, to, participant } = endpoints(key);
  const mediaInfo = media ? (options.media ?? { url: null, mimetype: media.mimetype, filename: media.filename, error: null }) : null;
  return {
    id: serializeMessageId(key),
    timestamp: Number(message.messageTimestamp ?? 0),
    from,
    fromMe: key.fromMe === true,
    source: options.source,
    ...(to !== undefined ? { to } : {}),
    ...(participant !== undefined ? { participant } : {}),
    ...(participant !== undefined && !key.fromMe ? { author: participant } : {}),
    body: messageBody(message.message),
    hasMedia: media !== undefined,
    media: mediaInfo,
    ...(mediaInfo?.url ? { mediaUrl: mediaInfo.url } : {}),
    ack,
    ackName: ackName(ack),
    location: location(message.message),
    vCards: vCards(message.message),
    replyTo: replyTo(message.message),
    _data: message,
  };
}

/** The JSON form of a WhatsApp message, as NOWEB answers it (protobuf's: 64-bit numbers and enums as strings). */
function protobufJson(message: WAMessage): Record<string, unknown> {
  return proto.WebMessageInfo.fromObject(message).toJSON();
}

/** A message we just sent, as a send answers it: WAHA's fields and NOWEB's raw top-level ones. */
export function toSentMessage(sent: WAMessage, me: string): SentMessage {
  const raw = protobufJson(sent);
  const key = (raw.key ?? {}) as SentMessage['key'];
  const content = (raw.message ?? null) as SentMessage['message'];
  return {
    ...toWahaMessage(sent, { me, source: 'api' }),
    key,
    message: content,
    messageTimestamp: (raw.messageTimestamp as string | number | undefined) ?? String(sent.messageTimestamp ?? 0),
    status: (raw.status as string | number | undefined) ?? 'PENDING',
  };
}

export function toWahaAck(key: proto.IMessageKey, status: number): MessageAck {
  const ack = statusToAck(status);
  return { id: serializeMessageId(key), ...endpoints(key), fromMe: key.fromMe === true, ack, ackName: ackName(ack) };
}

export function toWahaReaction(message: WAMessage): MessageReaction | undefined {
  const reaction = message.message?.reactionMessage;
  if (!reaction?.key || !message.key) return undefined;
  return {
    id: serializeMessageId(message.key),
    timestamp: Number(message.messageTimestamp ?? 0),
    ...endpoints(message.key),
    fromMe: message.key.fromMe === true,
    reaction: { text: reaction.text ?? '', messageId: serializeMessageId(reaction.key) },
  };
}
