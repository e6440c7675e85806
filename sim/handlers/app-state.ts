// App-state sync: devices upload encrypted patches per collection; the server numbers them and
// hands them to the account's other devices. The server cannot read them (they are encrypted with
// keys only the devices share), exactly like WhatsApp's.
import { getBinaryNodeChild, getBinaryNodeChildren } from 'baileys';
import type { BinaryNode } from 'baileys';
import type { Connection } from '../connection.ts';
import type { Network } from '../network.ts';

export function answerAppState(network: Network, connection: Connection, node: BinaryNode): void {
  const account = network.state.account(connection.phone ?? '');
  if (!account) return network.replyError(connection, node, 401, 'not-authorized');
  const answers: BinaryNode[] = [];
  const changed: string[] = [];
  for (const collection of getBinaryNodeChildren(getBinaryNodeChild(node, 'sync'), 'collection')) {
    const name = collection.attrs.name ?? '';
    const stored = (account.appState[name] ??= { version: 0, patches: [] });
    const upload = getBinaryNodeChild(collection, 'patch');
    if (upload?.content instanceof Uint8Array) {
      stored.version += 1;
      stored.patches.push({ version: stored.version, patch: Buffer.from(upload.content).toString('base64') });
      changed.push(name);
      answers.push({ tag: 'collection', attrs: { name, version: String(stored.version) } });
      continue;
    }
    const since = Number(collection.attrs.version ?? 0);
    const patches = stored.patches.filter((patch) => patch.version > since);
    answers.push({
      tag: 'collection',
      attrs: { name, version: String(stored.version) },
      content: patches.length ? [{ tag: 'patches', attrs: {}, content: patches.map((patch) => ({ tag: 'patch', attrs: {}, content: Buffer.from(patch.patch, 'base64') })) }] : [],
    });
  }
  if (changed.length) network.state.changed();
  network.reply(connection, node, [{ tag: 'sync', attrs: {}, content: answers }]);
  // Other devices of the account learn that there is something new to fetch.
  for (const device of network.linkedDevices(account)) {
    if (device.id === connection.device || changed.length === 0) continue;
    network.deliver(account, device.id, {
      tag: 'notification',
      attrs: { from: 's.whatsapp.net', type: 'server_sync', id: String(Date.now()), t: String(Math.floor(Date.now() / 1000)) },
      content: changed.map((name) => ({ tag: 'collection', attrs: { name, version: String(account.appState[name]?.version ?? 0) } })),
    });
  }
}
