// Profile pictures (w:profile:picture) and the about text (status).
import { randomBytes } from 'node:crypto';
import { getBinaryNodeChild } from 'baileys';
import type { BinaryNode } from 'baileys';
import { resolveJid } from '../addressing.ts';
import type { Connection } from '../connection.ts';
import type { Network } from '../network.ts';

export function answerProfilePicture(network: Network, connection: Connection, node: BinaryNode): void {
  const own = network.state.account(connection.phone ?? '');
  const picture = getBinaryNodeChild(node, 'picture');
  if (node.attrs.type === 'set') {
    const target = node.attrs.target ? resolveJid(network.state, node.attrs.target)?.account : own;
    if (!target || target.phone !== own?.phone) return network.replyError(connection, node, 403, 'forbidden');
    if (picture?.content instanceof Uint8Array) {
      const id = String(Date.now());
      target.picture = { id, data: Buffer.from(picture.content).toString('base64') };
      network.state.changed();
      return network.reply(connection, node, [{ tag: 'picture', attrs: { id } }]);
    }
    target.picture = null;
    network.state.changed();
    return network.reply(connection, node);
  }
  const target = resolveJid(network.state, node.attrs.target ?? node.attrs.to)?.account;
  if (!target?.picture) return network.replyError(connection, node, 404, 'item-not-found');
  const url = `https://${network.media.host}/pp/${target.phone}/${target.picture.id}?${randomBytes(4).toString('hex')}`;
  network.reply(connection, node, [{ tag: 'picture', attrs: { id: target.picture.id, type: picture?.attrs.type ?? 'image', url, direct_path: `/pp/${target.phone}/${target.picture.id}` } }]);
}

export function answerStatus(network: Network, connection: Connection, node: BinaryNode): void {
  const own = network.state.account(connection.phone ?? '');
  const status = getBinaryNodeChild(node, 'status');
  if (!own || node.attrs.type !== 'set' || !status) return network.replyError(connection, node, 400, 'bad-request');
  const text = status.content instanceof Uint8Array ? Buffer.from(status.content).toString() : typeof status.content === 'string' ? status.content : '';
  own.about = { text, setAt: Math.floor(Date.now() / 1000) };
  network.state.changed();
  network.reply(connection, node);
}
