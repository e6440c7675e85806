// Admin routes that act as virtual contacts: create one, make it send, read what it received.
import type { AnyMessageContent } from 'baileys';
import { stringField, type AdminApi } from './admin.ts';
import { SimulatorError, type Network } from './network.ts';
import { bareMessageId, toJid, type VirtualContact, type VirtualContacts } from './virtual-contacts.ts';

type Body = Record<string, unknown>;

function object(body: Body, name: string): Body | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw new SimulatorError(400, `${name} must be an object`);
  return value as Body;
}

function number(body: Body, name: string): number {
  const value = body[name];
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new SimulatorError(400, `${name} must be a number`);
  return value;
}

function strings(body: Body, name: string): string[] {
  const value = body[name];
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) throw new SimulatorError(400, `${name} must be an array of strings`);
  return value as string[];
}

function file(spec: Body): Buffer {
  const data = stringField(spec, 'data', true);
  const bytes = Buffer.from(data, 'base64');
  if (bytes.length === 0) throw new SimulatorError(400, 'data must be non-empty base64');
  return bytes;
}

/** The admin `send` body → Baileys content. Exactly one kind per request. */
function content(body: Body, contacts: VirtualContacts, phone: string): AnyMessageContent | { pollVote: { pollMessageId: string; options: string[] } } {
  const contact = contacts.get(phone);
  const text = stringField(body, 'text');
  const image = object(body, 'image');
  const document = object(body, 'document');
  const location = object(body, 'location');
  const reaction = object(body, 'reaction');
  const poll = object(body, 'poll');
  const pollVote = object(body, 'pollVote');
  const edit = object(body, 'edit');
  const revoke = object(body, 'revoke');
  if (image) return { image: file(image), mimetype: stringField(image, 'mimetype') ?? 'image/jpeg', ...(stringField(image, 'caption') ? { caption: stringField(image, 'caption') } : {}) };
  if (document) {
    return {
      document: file(document),
      mimetype: stringField(document, 'mimetype') ?? 'application/octet-stream',
      fileName: stringField(document, 'filename') ?? 'file',
      ...(stringField(document, 'caption') ? { caption: stringField(document, 'caption') } : {}),
    };
  }
  if (location) return { location: { degreesLatitude: number(location, 'latitude'), degreesLongitude: number(location, 'longitude'), ...(stringField(location, 'name') ? { name: stringField(location, 'name') } : {}) } };
  if (reaction) return { react: { text: stringField(reaction, 'emoji') ?? '', key: contact.key(stringField(reaction, 'messageId', true)) } };
  if (poll) return { poll: { name: stringField(poll, 'name', true), values: strings(poll, 'options'), selectableCount: poll.multiple === true ? strings(poll, 'options').length : 1 } };
  if (pollVote) return { pollVote: { pollMessageId: stringField(pollVote, 'pollMessageId', true), options: strings(pollVote, 'options') } };
  if (edit) return { text: stringField(edit, 'text', true), edit: contact.key(stringField(edit, 'messageId', true)) };
  if (revoke) return { delete: contact.key(stringField(revoke, 'messageId', true)) };
  if (text !== undefined) return { text };
  throw new SimulatorError(400, 'send needs one of text, image, document, location, reaction, poll, pollVote, edit, revoke');
}

export function registerAccountRoutes(api: AdminApi, network: Network, contacts: VirtualContacts): void {
  const view = (phone: string) => {
    const account = network.state.account(phone);
    return { phone, jid: `${phone}@s.whatsapp.net`, lid: account ? `${account.lid}@lid` : null, pushName: account?.pushName ?? null };
  };

  api.add('POST', 'accounts', async ({ body }) => {
    const phone = stringField(body, 'phone', true).replace(/\D/g, '');
    await contacts.create(phone, stringField(body, 'pushName'));
    return view(phone);
  });
  api.add('GET', 'accounts', () => contacts.list().map((contact) => view(contact.phone)));
  api.add('GET', 'accounts/:phone', ({ path }) => view(contacts.get(path[1] ?? '').phone));

  api.add('POST', 'accounts/:phone/send', async ({ path, body }) => {
    const phone = path[1] ?? '';
    const contact = contacts.get(phone);
    const to = toJid(stringField(body, 'to', true));
    const built = content(body, contacts, phone);
    if ('pollVote' in built) {
      const sent = await contact.votePoll(built.pollVote.pollMessageId, built.pollVote.options);
      return { id: sent.key.id };
    }
    const replyTo = stringField(body, 'replyTo');
    const quoted = replyTo ? contact.find(replyTo) : undefined;
    if (replyTo && !quoted) throw new SimulatorError(404, `message ${replyTo} is not known to ${phone}`);
    const sent = quoted ? await contact.client.socket!.sendMessage(to, built, { quoted }) : await contact.send(to, built);
    if (quoted && sent) contact.sent.push(sent);
    return { id: sent?.key.id ?? null };
  });

  api.add('POST', 'burst', async ({ body }) => {
    const perSecond = number(body, 'rate');
    if (perSecond <= 0) throw new SimulatorError(400, 'rate must be positive');
    const list = body.messages;
    if (!Array.isArray(list) || list.length === 0) throw new SimulatorError(400, 'messages must be a non-empty array of {from, to, text}');
    const messages = list.map((item: unknown, index) => {
      if (typeof item !== 'object' || item === null) throw new SimulatorError(400, `messages[${index}] must be an object`);
      const spec = item as Body;
      return { contact: contacts.get(stringField(spec, 'from', true).replace(/\D/g, '')), to: toJid(stringField(spec, 'to', true)), text: stringField(spec, 'text', true) };
    });
    // Each sender encrypts its share in order while the network holds delivery; senders work side by side.
    const ids = new Array<string>(messages.length);
    const bySender = new Map<VirtualContact, number[]>();
    messages.forEach((message, index) => {
      const indexes = bySender.get(message.contact) ?? [];
      indexes.push(index);
      bySender.set(message.contact, indexes);
    });
    network.holdMessages();
    const prepared = await Promise.allSettled(
      [...bySender].map(async ([contact, indexes]) => {
        for (const index of indexes) ids[index] = (await contact.send(messages[index]!.to, { text: messages[index]!.text })).key.id ?? '';
      }),
    );
    // Released even when a sender failed, so that the network never stays on hold.
    const releasedAt = await network.releaseHeld(perSecond, ids.filter(Boolean));
    const failed = prepared.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
    return { sentAt: ids.map((id) => releasedAt.get(id) ?? null) };
  });

  api.add('GET', 'accounts/:phone/messages', ({ path, query }) => {
    const contact = contacts.get(path[1] ?? '');
    return query.get('sent') === 'true' ? contact.sentMessages() : contact.messages();
  });

  api.add('GET', 'accounts/:phone/messages/:id/media', async ({ path }) => {
    const contact = contacts.get(path[1] ?? '');
    const data = await contact.download(path[3] ?? '');
    return { data: data.toString('base64'), size: data.length };
  });

  api.add('POST', 'accounts/:phone/read', async ({ path, body }) => {
    const contact = contacts.get(path[1] ?? '');
    const ids = body.messageIds === undefined ? contact.messages().map((message) => message.id) : strings(body, 'messageIds').map(bareMessageId);
    const keys = ids.map((id) => contact.key(id)).filter((key) => !key.fromMe);
    await contact.client.socket?.readMessages(keys);
    return { read: keys.length };
  });

  api.add('POST', 'accounts/:phone/presence', async ({ path, body }) => {
    const contact = contacts.get(path[1] ?? '');
    const type = stringField(body, 'type', true);
    if (!['available', 'unavailable', 'composing', 'recording', 'paused'].includes(type)) throw new SimulatorError(400, 'type must be available, unavailable, composing, recording or paused');
    const to = stringField(body, 'to');
    await contact.client.socket?.sendPresenceUpdate(type as 'available', to ? toJid(to) : undefined);
    return { ok: true };
  });

  api.add('GET', 'accounts/:phone/groups', async ({ path }) => {
    const contact = contacts.get(path[1] ?? '');
    const groups = await contact.client.socket!.groupFetchAllParticipating();
    return Object.values(groups).map((group) => ({ id: group.id, subject: group.subject, announce: group.announce === true, participants: group.participants.map((participant) => ({ id: participant.id, admin: participant.admin ?? null })) }));
  });

  api.add('POST', 'reset', async () => {
    await contacts.closeAll();
    network.dropConnections();
    network.state.reset();
    return { ok: true };
  });
}
