// Presence (online/offline, with the push name) and chat states (typing…), pushed to subscribers.
import type { BinaryNode } from 'baileys';
import { pnJid, resolveJid } from '../addressing.ts';
import type { Connection } from '../connection.ts';
import type { Network } from '../network.ts';
import type { AccountRecord } from '../state.ts';

function presenceNode(network: Network, account: AccountRecord): BinaryNode {
  const presence = network.presence.get(account.phone);
  const attrs: Record<string, string> = { from: pnJid(account), type: presence?.available ? 'available' : 'unavailable' };
  if (!presence?.available && presence?.lastSeen) attrs.last = String(presence.lastSeen);
  return { tag: 'presence', attrs };
}

function notifySubscribers(network: Network, account: AccountRecord): void {
  const node = presenceNode(network, account);
  for (const address of network.presenceSubscribers.get(account.phone) ?? []) {
    const [phone, device] = address.split(':');
    const subscriber = phone ? network.state.account(phone) : undefined;
    if (subscriber && network.isOnline(subscriber, Number(device))) network.deliver(subscriber, Number(device), node);
  }
}

export function handlePresence(network: Network, connection: Connection, node: BinaryNode): void {
  const account = connection.phone ? network.state.account(connection.phone) : undefined;
  if (!account || connection.device === undefined) return;
  const { type, name, to } = node.attrs;
  if (name && name !== account.pushName) {
    account.pushName = name;
    network.state.changed();
  }
  if (type === 'available' || type === 'unavailable') {
    network.presence.set(account.phone, { available: type === 'available', lastSeen: Math.floor(Date.now() / 1000) });
    notifySubscribers(network, account);
    return;
  }
  if (type === 'subscribe' && to) {
    const target = resolveJid(network.state, to);
    if (!target) return;
    const subscribers = network.presenceSubscribers.get(target.account.phone) ?? new Set<string>();
    subscribers.add(`${account.phone}:${connection.device}`);
    network.presenceSubscribers.set(target.account.phone, subscribers);
    connection.send(presenceNode(network, target.account));
  }
}

export function handleChatState(network: Network, connection: Connection, node: BinaryNode): void {
  const account = connection.phone ? network.state.account(connection.phone) : undefined;
  const target = resolveJid(network.state, node.attrs.to);
  const state = Array.isArray(node.content) ? node.content[0] : undefined;
  if (!account || !target || !state || target.account.blocklist.includes(pnJid(account))) return;
  const relayed: BinaryNode = { tag: 'chatstate', attrs: { from: pnJid(account) }, content: [{ tag: state.tag, attrs: state.attrs }] };
  for (const device of network.linkedDevices(target.account)) {
    if (network.isOnline(target.account, device.id)) network.deliver(target.account, device.id, relayed);
  }
}
