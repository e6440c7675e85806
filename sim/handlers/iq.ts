// Every query a client sends gets an answer; a query the simulator does not know gets a 501 error
// reply, so no client call is left to time out.
import { getBinaryNodeChild } from 'baileys';
import type { BinaryNode } from 'baileys';
import type { Connection } from '../connection.ts';
import type { Network } from '../network.ts';
import { answerAppState } from './app-state.ts';
import { answerGroups } from './groups.ts';
import { answerMex, answerNewsletter } from './newsletters.ts';
import { answerBlocklist, answerPrivacy } from './privacy.ts';
import { answerEncrypt } from './prekeys.ts';
import { answerProfilePicture, answerStatus } from './profile.ts';
import { answerUsync } from './usync.ts';

type IqHandler = (network: Network, connection: Connection, node: BinaryNode) => Promise<void> | void;

function firstChild(node: BinaryNode): BinaryNode | undefined {
  return Array.isArray(node.content) ? node.content[0] : undefined;
}

const acknowledge: IqHandler = (network, connection, node) => network.reply(connection, node);

const HANDLERS: Record<string, IqHandler> = {
  encrypt: answerEncrypt,
  usync: answerUsync,
  'w:g2': answerGroups,
  'w:mex': answerMex,
  newsletter: answerNewsletter,
  'w:sync:app:state': answerAppState,
  blocklist: answerBlocklist,
  privacy: answerPrivacy,
  'w:profile:picture': answerProfilePicture,
  status: answerStatus,
  passive: (network, connection, node) => {
    connection.passive = firstChild(node)?.tag === 'passive';
    network.reply(connection, node);
  },
  'w:m': (network, connection, node) =>
    network.reply(connection, node, [
      { tag: 'media_conn', attrs: { auth: network.media.auth, ttl: '3600', auth_ttl: '21600', max_buckets: '12' }, content: [{ tag: 'host', attrs: { hostname: network.media.host, maxContentLengthBytes: String(100 * 1024 * 1024) } }] },
    ]),
  'w:p': acknowledge,
  'urn:xmpp:ping': acknowledge,
  'w:stats': acknowledge,
  'urn:xmpp:whatsapp:dirty': acknowledge,
  disappearing_mode: acknowledge,
  abt: (network, connection, node) => network.reply(connection, node, [{ tag: 'props', attrs: { protocol: '1', hash: 'sim-props-1' }, content: [] }]),
  w: (network, connection, node) => network.reply(connection, node, [{ tag: 'props', attrs: { protocol: '2', hash: 'sim-props-1' }, content: [] }]),
  md: async (network, connection, node) => {
    const child = firstChild(node);
    if (child?.tag === 'link_code_companion_reg') return network.linkCodeRequest(connection, node, child);
    if (child?.tag === 'remove-companion-device') return removeCompanion(network, connection, node);
    network.replyError(connection, node, 501, 'feature-not-implemented');
  },
};

function removeCompanion(network: Network, connection: Connection, node: BinaryNode): void {
  const account = connection.phone ? network.state.account(connection.phone) : undefined;
  if (account && connection.device !== undefined) {
    delete account.devices[String(connection.device)];
    network.state.changed();
  }
  network.reply(connection, node);
  connection.send({ tag: 'stream:error', attrs: { code: '401' }, content: [{ tag: 'conflict', attrs: { type: 'device_removed' } }] });
  setTimeout(() => connection.close(), 50);
}

export async function answerIq(network: Network, connection: Connection, node: BinaryNode): Promise<void> {
  const type = node.attrs.type;
  if (type === 'result' || type === 'error') {
    // The only result a client sends unprompted is the signed device identity after pairing:
    // WhatsApp then asks the client to reconnect (stream error 515) and log in as the new device.
    if (getBinaryNodeChild(node, 'pair-device-sign')) {
      connection.send({ tag: 'stream:error', attrs: { code: '515' } });
      setTimeout(() => connection.close(), 50);
    }
    return;
  }
  if (!connection.phone && node.attrs.xmlns !== 'md' && node.attrs.xmlns !== 'w:p' && node.attrs.xmlns !== 'passive') {
    network.replyError(connection, node, 401, 'not-authorized');
    return;
  }
  const handler = HANDLERS[node.attrs.xmlns ?? ''];
  if (handler) return handler(network, connection, node);
  network.logger.debug({ xmlns: node.attrs.xmlns, child: firstChild(node)?.tag }, 'unanswerable query');
  network.replyError(connection, node, 501, 'feature-not-implemented');
}

