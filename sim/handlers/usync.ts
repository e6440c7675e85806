// usync: the directory. Device lists (so senders encrypt for every device), phone ↔ LID, whether a
// number has WhatsApp (`contact`), and the about text (`status`).
import { getBinaryNodeChild, getBinaryNodeChildren } from 'baileys';
import type { BinaryNode } from 'baileys';
import { resolveJid } from '../addressing.ts';
import type { Connection } from '../connection.ts';
import type { Network } from '../network.ts';
import type { AccountRecord } from '../state.ts';

function devicesNode(account: AccountRecord): BinaryNode {
  const devices = Object.values(account.devices).sort((a, b) => a.id - b.id);
  return {
    tag: 'devices',
    attrs: {},
    content: [
      {
        tag: 'device-list',
        attrs: {},
        content: devices.map((device): BinaryNode => {
          const attrs: Record<string, string> = { id: String(device.id) };
          if (device.id !== 0) attrs['key-index'] = String(device.keyIndex);
          return { tag: 'device', attrs };
        }),
      },
      { tag: 'key-index-list', attrs: { ts: String(Math.floor(account.createdAt / 1000)) }, content: Buffer.alloc(0) },
    ],
  };
}

function phoneFromContact(user: BinaryNode): string | undefined {
  const contact = getBinaryNodeChild(user, 'contact');
  const content = contact?.content;
  const text = content instanceof Uint8Array ? Buffer.from(content).toString() : typeof content === 'string' ? content : undefined;
  return text?.replace(/\D/g, '') || undefined;
}

export function answerUsync(network: Network, connection: Connection, node: BinaryNode): void {
  const usync = getBinaryNodeChild(node, 'usync');
  const protocols = (getBinaryNodeChild(usync, 'query')?.content as BinaryNode[] | undefined)?.map((protocol) => protocol.tag) ?? [];
  const results: BinaryNode[] = [];
  for (const user of getBinaryNodeChildren(getBinaryNodeChild(usync, 'list'), 'user')) {
    const phone = phoneFromContact(user);
    const requestedJid = user.attrs.jid ?? (phone ? `${phone}@s.whatsapp.net` : undefined);
    if (!requestedJid) continue;
    const target = resolveJid(network.state, requestedJid);
    const account = target?.account;
    const content: BinaryNode[] = [];
    for (const protocol of protocols) {
      switch (protocol) {
        case 'devices':
          if (account) content.push(devicesNode(account));
          break;
        case 'lid':
          if (account) content.push({ tag: 'lid', attrs: { val: `${account.lid}@lid` } });
          break;
        case 'contact':
          content.push({ tag: 'contact', attrs: { type: account ? 'in' : 'out' } });
          break;
        case 'status':
          if (account) content.push({ tag: 'status', attrs: { t: String(account.about.setAt) }, content: Buffer.from(account.about.text) });
          break;
        case 'disappearing_mode':
          content.push({ tag: 'disappearing_mode', attrs: { duration: '0', t: '0' } });
          break;
        default:
          break;
      }
    }
    results.push({ tag: 'user', attrs: { jid: target && !target.viaLid ? `${target.account.phone}@s.whatsapp.net` : requestedJid }, content });
  }
  network.reply(connection, node, [
    {
      tag: 'usync',
      attrs: { sid: usync?.attrs.sid ?? '', mode: usync?.attrs.mode ?? 'query', context: usync?.attrs.context ?? 'interactive', last: 'true', index: '0' },
      content: [{ tag: 'list', attrs: {}, content: results }],
    },
  ]);
}
