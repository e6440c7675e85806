// Block list and privacy settings. Blocking is enforced by the relay (see messages.ts).
import { getBinaryNodeChild } from 'baileys';
import type { BinaryNode } from 'baileys';
import { pnJid, resolveJid } from '../addressing.ts';
import type { Connection } from '../connection.ts';
import type { Network } from '../network.ts';

const PRIVACY_DEFAULTS: Record<string, string> = {
  last: 'all',
  online: 'all',
  profile: 'all',
  status: 'contacts',
  readreceipts: 'all',
  groupadd: 'all',
  calladd: 'all',
  messages: 'all',
};

export function answerBlocklist(network: Network, connection: Connection, node: BinaryNode): void {
  const account = network.state.account(connection.phone ?? '');
  if (!account) return network.replyError(connection, node, 401, 'not-authorized');
  if (node.attrs.type === 'get') {
    return network.reply(connection, node, [{ tag: 'list', attrs: {}, content: account.blocklist.map((jid) => ({ tag: 'item', attrs: { jid } })) }]);
  }
  const item = getBinaryNodeChild(node, 'item');
  const action = item?.attrs.action;
  const target = resolveJid(network.state, item?.attrs.pn_jid ?? item?.attrs.jid);
  if (!target || (action !== 'block' && action !== 'unblock')) return network.replyError(connection, node, 400, 'bad-request');
  const jid = pnJid(target.account);
  account.blocklist = account.blocklist.filter((entry) => entry !== jid);
  if (action === 'block') account.blocklist.push(jid);
  network.state.changed();
  network.reply(connection, node, [{ tag: 'list', attrs: {}, content: account.blocklist.map((entry) => ({ tag: 'item', attrs: { jid: entry } })) }]);
}

export function answerPrivacy(network: Network, connection: Connection, node: BinaryNode): void {
  if (node.attrs.type === 'get') {
    const categories = Object.entries(PRIVACY_DEFAULTS).map(([name, value]) => ({ tag: 'category', attrs: { name, value } }));
    return network.reply(connection, node, [{ tag: 'privacy', attrs: {}, content: categories }]);
  }
  const tokens = getBinaryNodeChild(node, 'tokens');
  for (const token of Array.isArray(tokens?.content) ? tokens.content : []) {
    if (token.tag !== 'token' || !token.attrs.jid) continue;
    const key = `${connection.phone ?? ''}>${token.attrs.jid}`;
    network.trustTokenIssues.set(key, (network.trustTokenIssues.get(key) ?? 0) + 1);
  }
  network.reply(connection, node);
}
