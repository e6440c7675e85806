// Groups (w:g2): create, metadata, participants, subject, description, settings, invites, leave.
// Every change is announced to the members' devices as a w:gp2 notification, as WhatsApp does.
import { randomBytes } from 'node:crypto';
import { getBinaryNodeChild, getBinaryNodeChildren } from 'baileys';
import type { BinaryNode } from 'baileys';
import { pnJid, resolveJid } from '../addressing.ts';
import type { Connection } from '../connection.ts';
import type { Network } from '../network.ts';
import type { GroupRecord } from '../state.ts';

const now = () => Math.floor(Date.now() / 1000);
const inviteCode = () => randomBytes(16).toString('base64url').slice(0, 22);

export function groupNode(network: Network, group: GroupRecord): BinaryNode {
  const attrs: Record<string, string> = {
    id: group.id.split('@')[0] ?? group.id,
    subject: group.subject,
    s_t: String(group.subjectTime),
    s_o: `${group.subjectOwner}@s.whatsapp.net`,
    creation: String(group.creation),
    creator: `${group.creator}@s.whatsapp.net`,
    addressing_mode: 'pn',
    size: String(Object.keys(group.participants).length),
  };
  const content: BinaryNode[] = Object.entries(group.participants).map(([phone, role]) => {
    const account = network.state.account(phone);
    const participant: Record<string, string> = { jid: `${phone}@s.whatsapp.net` };
    if (account) participant.lid = `${account.lid}@lid`;
    if (role !== 'member') participant.type = role;
    return { tag: 'participant', attrs: participant };
  });
  if (group.description) {
    content.push({
      tag: 'description',
      attrs: { id: group.description.id, participant: `${group.description.owner}@s.whatsapp.net`, t: String(group.description.time) },
      content: [{ tag: 'body', attrs: {}, content: Buffer.from(group.description.text) }],
    });
  }
  if (group.announce) content.push({ tag: 'announcement', attrs: {} });
  if (group.restrict) content.push({ tag: 'locked', attrs: {} });
  return { tag: 'group', attrs, content };
}

function groups(network: Network): Record<string, GroupRecord> {
  return (network.state.data.groups ??= {});
}

/** Sends a w:gp2 notification about `group` to every device of `recipients` (phone numbers). */
export function notifyGroup(network: Network, group: GroupRecord, actor: string, change: BinaryNode, recipients: string[] = Object.keys(group.participants)): void {
  for (const phone of new Set(recipients)) {
    const account = network.state.account(phone);
    if (!account) continue;
    for (const device of network.linkedDevices(account)) {
      network.deliver(account, device.id, {
        tag: 'notification',
        attrs: { from: group.id, type: 'w:gp2', id: randomBytes(8).toString('hex'), t: String(now()), participant: `${actor}@s.whatsapp.net`, notify: network.state.account(actor)?.pushName ?? '' },
        content: [change],
      });
    }
  }
}

function participantPhones(network: Network, node: BinaryNode | undefined): string[] {
  return getBinaryNodeChildren(node, 'participant')
    .map((participant) => resolveJid(network.state, participant.attrs.jid)?.account.phone)
    .filter((phone): phone is string => phone !== undefined);
}

function participantList(phones: string[], tag: string): BinaryNode {
  return { tag, attrs: {}, content: phones.map((phone) => ({ tag: 'participant', attrs: { jid: `${phone}@s.whatsapp.net` } })) };
}

export function answerGroups(network: Network, connection: Connection, node: BinaryNode): void {
  const me = connection.phone ?? '';
  const child = Array.isArray(node.content) ? node.content[0] : undefined;
  if (!child) return network.replyError(connection, node, 400, 'bad-request');
  const all = groups(network);

  if (node.attrs.to === '@g.us' || node.attrs.to === 'g.us') {
    if (child.tag === 'create') {
      const members = [me, ...participantPhones(network, child)];
      // Real group ids are 120363 followed by twelve digits.
      const id = `120363${String(Date.now()).slice(-7)}${String(randomBytes(3).readUIntBE(0, 3) % 100000).padStart(5, '0')}@g.us`;
      const group: GroupRecord = {
        id,
        subject: child.attrs.subject ?? 'Group',
        subjectOwner: me,
        subjectTime: now(),
        creation: now(),
        creator: me,
        description: null,
        participants: Object.fromEntries(members.map((phone) => [phone, phone === me ? 'superadmin' : 'member'])),
        announce: false,
        restrict: false,
        inviteCode: inviteCode(),
      };
      all[id] = group;
      network.state.changed();
      network.reply(connection, node, [groupNode(network, group)]);
      notifyGroup(network, group, me, { tag: 'create', attrs: {}, content: [groupNode(network, group)] });
      return;
    }
    if (child.tag === 'participating') {
      const mine = Object.values(all).filter((group) => group.participants[me] !== undefined);
      return network.reply(connection, node, [{ tag: 'groups', attrs: {}, content: mine.map((group) => groupNode(network, group)) }]);
    }
    if (child.tag === 'leave') {
      for (const entry of getBinaryNodeChildren(child, 'group')) {
        const group = all[entry.attrs.id?.includes('@') ? entry.attrs.id : `${entry.attrs.id}@g.us`];
        if (!group || group.participants[me] === undefined) continue;
        const before = Object.keys(group.participants);
        delete group.participants[me];
        notifyGroup(network, group, me, participantList([me], 'remove'), before);
      }
      network.state.changed();
      return network.reply(connection, node);
    }
    if (child.tag === 'invite' && child.attrs.code) {
      const group = Object.values(all).find((entry) => entry.inviteCode === child.attrs.code);
      if (!group) return network.replyError(connection, node, 404, 'item-not-found');
      if (node.attrs.type === 'get') return network.reply(connection, node, [groupNode(network, group)]);
      if (group.participants[me] === undefined) {
        group.participants[me] = 'member';
        network.state.changed();
        notifyGroup(network, group, me, participantList([me], 'add'));
      }
      return network.reply(connection, node, [{ tag: 'group', attrs: { jid: group.id } }]);
    }
    return network.replyError(connection, node, 501, 'feature-not-implemented');
  }

  const group = all[node.attrs.to ?? ''];
  if (!group) return network.replyError(connection, node, 404, 'item-not-found');
  const role = group.participants[me];
  if (role === undefined) return network.replyError(connection, node, 403, 'forbidden');
  const isAdmin = role !== 'member';

  switch (child.tag) {
    case 'query':
      return network.reply(connection, node, [groupNode(network, group)]);
    case 'add':
    case 'remove':
    case 'promote':
    case 'demote': {
      if (!isAdmin) return network.replyError(connection, node, 403, 'forbidden');
      const phones = participantPhones(network, child);
      const before = Object.keys(group.participants);
      for (const phone of phones) {
        if (child.tag === 'add') group.participants[phone] ??= 'member';
        if (child.tag === 'remove') delete group.participants[phone];
        if (child.tag === 'promote' && group.participants[phone]) group.participants[phone] = 'admin';
        if (child.tag === 'demote' && group.participants[phone] === 'admin') group.participants[phone] = 'member';
      }
      network.state.changed();
      network.reply(connection, node, [participantList(phones, child.tag)]);
      notifyGroup(network, group, me, participantList(phones, child.tag), [...before, ...phones]);
      return;
    }
    case 'subject':
    case 'description':
    case 'announcement':
    case 'not_announcement':
    case 'locked':
    case 'unlocked': {
      if (group.restrict && !isAdmin) return network.replyError(connection, node, 403, 'forbidden');
      if (child.tag === 'subject') {
        group.subject = child.content instanceof Uint8Array ? Buffer.from(child.content).toString() : String(child.content ?? '');
        group.subjectOwner = me;
        group.subjectTime = now();
      } else if (child.tag === 'description') {
        const body = getBinaryNodeChild(child, 'body');
        const text = body?.content instanceof Uint8Array ? Buffer.from(body.content).toString() : '';
        group.description = child.attrs.delete === 'true' || !text ? null : { id: child.attrs.id ?? randomBytes(8).toString('hex'), text, owner: me, time: now() };
      } else {
        if (!isAdmin) return network.replyError(connection, node, 403, 'forbidden');
        if (child.tag === 'announcement' || child.tag === 'not_announcement') group.announce = child.tag === 'announcement';
        else group.restrict = child.tag === 'locked';
      }
      network.state.changed();
      network.reply(connection, node);
      const change: BinaryNode = child.tag === 'subject' ? { tag: 'subject', attrs: { subject: group.subject, s_o: `${me}@s.whatsapp.net`, s_t: String(group.subjectTime) } } : { tag: child.tag, attrs: {}, ...(child.content ? { content: child.content } : {}) };
      notifyGroup(network, group, me, change);
      return;
    }
    case 'invite':
      if (!isAdmin) return network.replyError(connection, node, 403, 'forbidden');
      if (node.attrs.type === 'set') {
        group.inviteCode = inviteCode();
        network.state.changed();
      }
      return network.reply(connection, node, [{ tag: 'invite', attrs: { code: group.inviteCode } }]);
    default:
      return network.replyError(connection, node, 501, 'feature-not-implemented');
  }
}

/** A group message: one copy per member device, with that device's sender-key distribution if any. */
export function relayGroupMessage(network: Network, connection: Connection, node: BinaryNode, ack: (extra?: Record<string, string>) => void): void {
  const sender = network.state.account(connection.phone ?? '');
  const group = groups(network)[node.attrs.to ?? ''];
  if (!sender || !group || group.participants[sender.phone] === undefined) return ack({ error: '403' });
  if (group.announce && group.participants[sender.phone] === 'member') return ack({ error: '403' });
  const skmsg = getBinaryNodeChildren(node, 'enc').find((enc) => enc.attrs.type === 'skmsg');
  const perDevice = new Map<string, BinaryNode>();
  for (const target of getBinaryNodeChildren(getBinaryNodeChild(node, 'participants'), 'to')) {
    const resolved = resolveJid(network.state, target.attrs.jid);
    const enc = getBinaryNodeChild(target, 'enc');
    if (resolved && enc) perDevice.set(`${resolved.account.phone}:${resolved.device ?? 0}`, enc);
  }
  const senderDevice = connection.device ?? 0;
  for (const phone of Object.keys(group.participants)) {
    const member = network.state.account(phone);
    if (!member) continue;
    for (const device of network.linkedDevices(member)) {
      if (phone === sender.phone && device.id === senderDevice) continue;
      const own = perDevice.get(`${phone}:${device.id}`);
      const content = [own, skmsg].filter((enc): enc is BinaryNode => enc !== undefined);
      if (content.length === 0) continue;
      const attrs: Record<string, string> = { from: group.id, participant: pnJid(sender, senderDevice), id: node.attrs.id ?? '', t: String(now()), notify: sender.pushName, addressing_mode: 'pn', participant_lid: `${sender.lid}@lid` };
      for (const name of ['type', 'edit', 'mediatype']) if (node.attrs[name]) attrs[name] = node.attrs[name] ?? '';
      network.deliver(member, device.id, { tag: 'message', attrs, content });
    }
  }
  ack();
}
