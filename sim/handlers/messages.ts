// Message relay: a sender hands the server one stanza with a ciphertext per recipient device; the
// server gives each device its own copy, acks the sender, and routes receipts back.
import { getBinaryNodeChild, getBinaryNodeChildren, jidDecode } from 'baileys';
import type { BinaryNode } from 'baileys';
import { lidJid, pnJid, resolveJid } from '../addressing.ts';
import type { Connection } from '../connection.ts';
import type { Network } from '../network.ts';
import type { AccountRecord } from '../state.ts';
import { relayGroupMessage } from './groups.ts';
import { relayNewsletterMessage } from './newsletters.ts';

const now = () => String(Math.floor(Date.now() / 1000));

/** Attributes a relayed copy keeps from the sender's stanza. */
const FORWARDED_ATTRS = ['type', 'edit', 'mediatype', 'category', 'expiration', 'decrypt-fail', 'addressing_mode'];

function forwardedAttrs(node: BinaryNode): Record<string, string> {
  const attrs: Record<string, string> = {};
  for (const name of FORWARDED_ATTRS) if (node.attrs[name] !== undefined) attrs[name] = node.attrs[name] ?? '';
  return attrs;
}

function ack(connection: Connection, node: BinaryNode, extra: Record<string, string> = {}): void {
  connection.send({ tag: 'ack', attrs: { class: 'message', id: node.attrs.id ?? '', from: node.attrs.to ?? '', t: now(), ...extra } });
}

export function relayMessage(network: Network, connection: Connection, node: BinaryNode): void {
  const sender = connection.phone ? network.state.account(connection.phone) : undefined;
  const senderDevice = connection.device ?? 0;
  const id = node.attrs.id;
  const to = node.attrs.to;
  if (!sender || !id || !to) {
    connection.send({ tag: 'ack', attrs: { class: 'message', id: id ?? '', error: '400' } });
    return;
  }
  const destination = jidDecode(to);
  if (destination?.server === 'g.us') return relayGroupMessage(network, connection, node, (extra) => ack(connection, node, extra));
  if (to === 'status@broadcast') return relayStatus(network, connection, node, (extra) => ack(connection, node, extra));
  if (destination?.server === 'newsletter') return relayNewsletterMessage(network, connection, node, (extra) => ack(connection, node, extra));
  const recipient = resolveJid(network.state, to);
  if (!recipient) {
    ack(connection, node, { error: '404' });
    return;
  }
  if (recipient.account.blocklist.includes(`${sender.phone}@s.whatsapp.net`)) {
    // WhatsApp accepts the message from a blocked sender and silently never delivers it.
    ack(connection, node);
    return;
  }
  const deviceIdentity = getBinaryNodeChild(node, 'device-identity');
  const senderFrom = recipient.viaLid ? lidJid(sender, senderDevice) : pnJid(sender, senderDevice);
  let reachedPhone = false;
  for (const target of getBinaryNodeChildren(getBinaryNodeChild(node, 'participants'), 'to')) {
    const device = resolveJid(network.state, target.attrs.jid);
    const enc = getBinaryNodeChild(target, 'enc');
    if (!device || !enc) continue;
    const deviceId = device.device ?? 0;
    const own = device.account.phone === sender.phone;
    if (own && deviceId === senderDevice) continue;
    if (deviceId === 0) {
      reachedPhone ||= !own;
      continue;
    }
    // A client that lost its connection before the server's ack sends the message again, same id:
    // WhatsApp acks it and keeps the copy each device already has.
    if (!network.firstRelay(sender.phone, id, device.account.phone, deviceId)) continue;
    const attrs: Record<string, string> = { from: senderFrom, id, t: now(), ...forwardedAttrs(node) };
    if (own) attrs.recipient = to;
    else {
      attrs.notify = sender.pushName;
      attrs[recipient.viaLid ? 'sender_pn' : 'sender_lid'] = recipient.viaLid ? `${sender.phone}@s.whatsapp.net` : `${sender.lid}@lid`;
    }
    network.deliver(device.account, deviceId, { tag: 'message', attrs, content: [enc, ...(deviceIdentity ? [deviceIdentity] : [])] });
  }
  ack(connection, node);
  // The simulated phone has no Signal stack; it confirms delivery as a real phone would.
  if (reachedPhone) sendReceipt(network, sender, recipient.account, [id], undefined);
}

/** Delivers a receipt from `reader` about messages that `author` sent, to the author's devices. */
function sendReceipt(network: Network, author: AccountRecord, reader: AccountRecord, ids: string[], type: string | undefined, group?: string): void {
  const [first, ...rest] = ids;
  if (!first) return;
  for (const device of network.linkedDevices(author)) {
    const attrs: Record<string, string> = group
      ? { from: group, participant: `${reader.phone}@s.whatsapp.net`, id: first, t: now() }
      : { from: `${reader.phone}@s.whatsapp.net`, id: first, t: now() };
    if (type) attrs.type = type;
    const content: BinaryNode[] = rest.length ? [{ tag: 'list', attrs: {}, content: rest.map((id) => ({ tag: 'item', attrs: { id } })) }] : [];
    network.deliver(author, device.id, { tag: 'receipt', attrs, ...(content.length ? { content } : {}) });
  }
}

export function relayReceipt(network: Network, connection: Connection, node: BinaryNode): void {
  const reader = connection.phone ? network.state.account(connection.phone) : undefined;
  const id = node.attrs.id;
  connection.send({ tag: 'ack', attrs: { class: 'receipt', id: id ?? '', from: node.attrs.to ?? '', ...(node.attrs.type ? { type: node.attrs.type } : {}) } });
  if (!reader || !id) return;
  const author = resolveJid(network.state, node.attrs.participant ?? node.attrs.to);
  if (!author || author.account.phone === reader.phone) return;
  const type = node.attrs.type;
  // Retry requests go to the one device that sent the message, with the reader's keys attached.
  if (type === 'retry') {
    const attrs: Record<string, string> = { ...node.attrs, from: pnJid(reader, connection.device), t: now() };
    delete attrs.to;
    for (const device of network.linkedDevices(author.account)) {
      network.deliver(author.account, device.id, { tag: 'receipt', attrs, ...(node.content ? { content: node.content } : {}) });
    }
    return;
  }
  // 'inactive' is what a client that is not in the foreground sends: for the author it still means delivered.
  if (type !== undefined && type !== 'inactive' && type !== 'read' && type !== 'played') return;
  const ids = [id, ...getBinaryNodeChildren(getBinaryNodeChild(node, 'list'), 'item').map((item) => item.attrs.id ?? '')].filter(Boolean);
  const group = node.attrs.to?.endsWith('@g.us') ? node.attrs.to : undefined;
  sendReceipt(network, author.account, reader, ids, type === 'inactive' ? undefined : type, group);
}

/** A status (story): the sender names its audience device by device, each with a key distribution. */
function relayStatus(network: Network, connection: Connection, node: BinaryNode, ack: (extra?: Record<string, string>) => void): void {
  const sender = network.state.account(connection.phone ?? '');
  if (!sender) return ack({ error: '401' });
  const skmsg = getBinaryNodeChildren(node, 'enc').find((enc) => enc.attrs.type === 'skmsg');
  for (const target of getBinaryNodeChildren(getBinaryNodeChild(node, 'participants'), 'to')) {
    const device = resolveJid(network.state, target.attrs.jid);
    const enc = getBinaryNodeChild(target, 'enc');
    if (!device || device.device === undefined || device.device === 0) continue;
    if (device.account.phone === sender.phone && device.device === connection.device) continue;
    if (device.account.blocklist.includes(`${sender.phone}@s.whatsapp.net`)) continue;
    const attrs: Record<string, string> = { from: 'status@broadcast', participant: pnJid(sender, connection.device), id: node.attrs.id ?? '', t: now(), notify: sender.pushName };
    for (const name of ['type', 'mediatype']) if (node.attrs[name]) attrs[name] = node.attrs[name] ?? '';
    network.deliver(device.account, device.device, { tag: 'message', attrs, content: [enc, skmsg].filter((part): part is BinaryNode => part !== undefined) });
  }
  ack();
}
