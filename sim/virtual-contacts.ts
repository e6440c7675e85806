// Virtual contacts: accounts played by real Baileys clients running inside the simulator, driven
// through the admin API. They are how tests and users act as "the other side" of a chat.
import { downloadMediaMessage, generateWAMessageFromContent, getContentType, normalizeMessageContent } from 'baileys';
import type { AnyMessageContent, WAMessage, WAMessageKey } from 'baileys';
import { encryptPollVote } from '../src/engine/baileys/poll-votes.ts';
import { SimulatorError, type Network } from './network.ts';
import { MemoryAuth, SimClient, type SimulatorEndpoint } from './testing/baileys-client.ts';

export interface ReceivedMessage {
  id: string;
  from: string;
  chat: string;
  fromMe: boolean;
  timestamp: number;
  type: string;
  text: string | null;
  media: { mimetype: string | null; caption: string | null; filename: string | null; size: number | null } | null;
  location: { latitude: number; longitude: number; name: string | null } | null;
  reaction: { messageId: string; emoji: string } | null;
  /** The preview a link in the text was sent with, as the recipient's phone would draw it. */
  linkPreview: { matchedText: string | null; title: string | null; description: string | null; thumbnailBytes: number; highQuality: { width: number | null; height: number | null } | null } | null;
  /** Who the message mentions (contextInfo.mentionedJid), as the recipient's phone highlights them. */
  mentions: string[];
  edited: boolean;
  revoked: boolean;
  /** For messages this contact sent: the best receipt seen (1 server, 2 delivered, 3 read, 4 played). */
  ack: number | null;
}

/** `15550001111`, `+1 555…`, `…@c.us` or `…@s.whatsapp.net` → WhatsApp jid; groups pass through. */
export function toJid(value: string): string {
  if (value.endsWith('@g.us') || value.endsWith('@lid') || value.endsWith('@newsletter') || value === 'status@broadcast') return value;
  const digits = value.split('@')[0]?.replace(/\D/g, '') ?? '';
  if (digits.length < 5) throw new SimulatorError(400, `'${value}' is not a phone number or jid`);
  return `${digits}@s.whatsapp.net`;
}

/** Accepts a bare WhatsApp id or WAHA's `true_<chat>_<id>`. */
export function bareMessageId(value: string): string {
  return value.split('_').pop() ?? value;
}

function describe(message: WAMessage, statusById: Map<string, number>): ReceivedMessage {
  const content = normalizeMessageContent(message.message);
  const type = getContentType(content) ?? 'unknown';
  const media = content?.imageMessage ?? content?.videoMessage ?? content?.audioMessage ?? content?.documentMessage ?? content?.stickerMessage;
  const location = content?.locationMessage;
  const reaction = content?.reactionMessage;
  const protocol = content?.protocolMessage;
  // An edit carries its new text, and the new text's preview, inside the protocol message.
  const linked = content?.extendedTextMessage ?? protocol?.editedMessage?.extendedTextMessage;
  const key = message.key ?? {};
  return {
    id: key.id ?? '',
    from: (key.fromMe ? 'me' : (key.participant || key.remoteJid)) ?? '',
    chat: key.remoteJid ?? '',
    fromMe: key.fromMe === true,
    timestamp: Number(message.messageTimestamp ?? 0),
    type,
    text:
      content?.conversation ||
      content?.extendedTextMessage?.text ||
      (media && 'caption' in media ? (media.caption ?? null) : null) ||
      content?.pollCreationMessage?.name ||
      content?.pollCreationMessageV3?.name ||
      protocol?.editedMessage?.conversation ||
      protocol?.editedMessage?.extendedTextMessage?.text ||
      null,
    media: media
      ? {
          mimetype: media.mimetype ?? null,
          caption: 'caption' in media ? (media.caption ?? null) : null,
          filename: content?.documentMessage?.fileName ?? null,
          size: media.fileLength ? Number(media.fileLength) : null,
        }
      : null,
    location: location ? { latitude: location.degreesLatitude ?? 0, longitude: location.degreesLongitude ?? 0, name: location.name ?? null } : null,
    reaction: reaction ? { messageId: reaction.key?.id ?? '', emoji: reaction.text ?? '' } : null,
    linkPreview: linked?.title
      ? {
          matchedText: linked.matchedText ?? null,
          title: linked.title,
          description: linked.description ?? null,
          thumbnailBytes: linked.jpegThumbnail?.length ?? 0,
          // A high-quality preview points at an uploaded image instead of carrying only the small thumbnail.
          highQuality: linked.thumbnailDirectPath ? { width: linked.thumbnailWidth ?? null, height: linked.thumbnailHeight ?? null } : null,
        }
      : null,
    mentions: [...(content?.extendedTextMessage?.contextInfo?.mentionedJid ?? media?.contextInfo?.mentionedJid ?? [])],
    edited: protocol?.type === 14,
    revoked: protocol?.type === 0,
    ack: key.fromMe ? (statusById.get(key.id ?? '') ?? 1) - 1 : null,
  };
}

export class VirtualContact {
  readonly sent: WAMessage[] = [];
  private readonly statusById = new Map<string, number>();

  constructor(
    readonly phone: string,
    readonly client: SimClient,
  ) {
    client.onStatus = (id, status) => this.statusById.set(id, Math.max(status, this.statusById.get(id) ?? 0));
  }

  get jid(): string {
    return `${this.phone}@s.whatsapp.net`;
  }

  messages(): ReceivedMessage[] {
    return this.client.received.filter((message) => !message.key?.fromMe).map((message) => describe(message, this.statusById));
  }

  sentMessages(): ReceivedMessage[] {
    return this.sent.map((message) => describe(message, this.statusById));
  }

  find(id: string): WAMessage | undefined {
    const bare = bareMessageId(id);
    return [...this.client.received, ...this.sent].find((message) => message.key?.id === bare);
  }

  async send(to: string, content: AnyMessageContent): Promise<WAMessage> {
    const socket = this.client.socket;
    if (!socket) throw new SimulatorError(409, `virtual contact ${this.phone} is not connected`);
    const sent = await socket.sendMessage(toJid(to), content);
    if (!sent) throw new SimulatorError(500, 'message was not sent');
    this.sent.push(sent);
    return sent;
  }

  key(id: string): WAMessageKey {
    const found = this.find(id);
    if (!found?.key) throw new SimulatorError(404, `message ${id} is not known to ${this.phone}`);
    return found.key;
  }

  async votePoll(pollMessageId: string, options: string[]): Promise<WAMessage> {
    const poll = this.find(pollMessageId);
    const secret = poll?.message?.messageContextInfo?.messageSecret;
    if (!poll?.key || !secret) throw new SimulatorError(404, `poll ${pollMessageId} is not known to ${this.phone}`);
    const creator = poll.key.participant || poll.key.remoteJid || '';
    const vote = encryptPollVote(options, { pollMsgId: poll.key.id ?? '', pollCreatorJid: creator.replace(/:\d+@/, '@'), voterJid: this.jid, pollEncKey: secret });
    const socket = this.client.socket;
    if (!socket) throw new SimulatorError(409, `virtual contact ${this.phone} is not connected`);
    const message = generateWAMessageFromContent(poll.key.remoteJid ?? '', { pollUpdateMessage: { pollCreationMessageKey: poll.key, vote, senderTimestampMs: Date.now() } }, { userJid: this.jid });
    await socket.relayMessage(poll.key.remoteJid ?? '', message.message ?? {}, { messageId: message.key.id ?? undefined });
    this.sent.push(message);
    return message;
  }

  async download(id: string): Promise<Buffer> {
    const message = this.find(id);
    if (!message) throw new SimulatorError(404, `message ${id} is not known to ${this.phone}`);
    return (await downloadMediaMessage(message, 'buffer', this.client.media ? { options: this.client.media.downloadOptions } : {})) as Buffer;
  }
}

export class VirtualContacts {
  private readonly contacts = new Map<string, VirtualContact>();

  constructor(
    private readonly network: Network,
    private readonly endpoint: () => SimulatorEndpoint,
  ) {}

  async create(phone: string, pushName?: string): Promise<VirtualContact> {
    if (!/^\d{5,20}$/.test(phone)) throw new SimulatorError(400, 'phone must be 5 to 20 digits');
    const existing = this.contacts.get(phone);
    if (existing) return existing;
    const account = this.network.state.ensureAccount(phone, pushName);
    const saved = (this.network.state.data.virtualContacts ??= {});
    // The client's auth lives in the state file: the contact logs in again after a restart.
    const record = (saved[phone] ??= { auth: { keys: {} } });
    const auth = new MemoryAuth(record.auth, () => this.network.state.changed());
    const client = new SimClient({ endpoint: this.endpoint(), auth, onQr: (qr) => void this.network.scan(qr, phone) });
    await client.connect();
    client.auth.creds.me = { ...client.auth.creds.me, id: client.auth.creds.me?.id ?? `${phone}@s.whatsapp.net`, name: account.pushName };
    auth.credsChanged();
    const contact = new VirtualContact(phone, client);
    this.contacts.set(phone, contact);
    return contact;
  }

  /** Brings back the virtual contacts of a state file (a restarted simulator). */
  async restore(): Promise<void> {
    const saved = this.network.state.data.virtualContacts ?? {};
    await Promise.all(
      Object.keys(saved).map(async (phone) => {
        try {
          await this.create(phone);
        } catch (error) {
          this.network.logger.warn({ err: error, phone }, 'could not bring back a virtual contact');
        }
      }),
    );
  }

  get(phone: string): VirtualContact {
    const contact = this.contacts.get(phone.replace(/\D/g, ''));
    if (!contact) throw new SimulatorError(404, `no virtual contact ${phone}; create it with POST /admin/accounts`);
    return contact;
  }

  list(): VirtualContact[] {
    return [...this.contacts.values()];
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.contacts.values()].map((contact) => contact.client.close()));
    this.contacts.clear();
  }
}
