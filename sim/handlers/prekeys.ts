// `encrypt` queries: devices upload their Signal pre-keys; senders fetch one bundle per device
// (identity, signed pre-key, and one one-time pre-key, which is then used up).
import { encodeBigEndian, getBinaryNodeChild, getBinaryNodeChildBuffer, getBinaryNodeChildren, KEY_BUNDLE_TYPE } from 'baileys';
import type { BinaryNode } from 'baileys';
import { resolveJid } from '../addressing.ts';
import type { Connection } from '../connection.ts';
import type { Network } from '../network.ts';
import type { DeviceRecord } from '../state.ts';

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

function readKeyId(node: BinaryNode | undefined): number | undefined {
  const id = node ? getBinaryNodeChildBuffer(node, 'id') : undefined;
  return id && id.length > 0 ? Buffer.from(id).readUIntBE(0, id.length) : undefined;
}

function ownDevice(network: Network, connection: Connection): DeviceRecord | undefined {
  return connection.phone ? network.state.account(connection.phone)?.devices[String(connection.device)] : undefined;
}

function storeSignedPreKey(device: DeviceRecord, skey: BinaryNode | undefined): void {
  const id = readKeyId(skey);
  const value = skey ? getBinaryNodeChildBuffer(skey, 'value') : undefined;
  const signature = skey ? getBinaryNodeChildBuffer(skey, 'signature') : undefined;
  if (id !== undefined && value && signature) device.signedPreKey = { id, publicKey: b64(value), signature: b64(signature) };
}

function bundle(jid: string, device: DeviceRecord): BinaryNode {
  const content: BinaryNode[] = [
    { tag: 'registration', attrs: {}, content: encodeBigEndian(device.registrationId) },
    { tag: 'type', attrs: {}, content: KEY_BUNDLE_TYPE },
    { tag: 'identity', attrs: {}, content: Buffer.from(device.identityKey, 'base64') },
  ];
  if (device.signedPreKey) {
    content.push({
      tag: 'skey',
      attrs: {},
      content: [
        { tag: 'id', attrs: {}, content: encodeBigEndian(device.signedPreKey.id, 3) },
        { tag: 'value', attrs: {}, content: Buffer.from(device.signedPreKey.publicKey, 'base64') },
        { tag: 'signature', attrs: {}, content: Buffer.from(device.signedPreKey.signature, 'base64') },
      ],
    });
  }
  const [preKeyId, preKey] = Object.entries(device.preKeys)[0] ?? [];
  if (preKeyId !== undefined && preKey !== undefined) {
    delete device.preKeys[preKeyId];
    content.push({
      tag: 'key',
      attrs: {},
      content: [
        { tag: 'id', attrs: {}, content: encodeBigEndian(Number(preKeyId), 3) },
        { tag: 'value', attrs: {}, content: Buffer.from(preKey, 'base64') },
      ],
    });
  }
  return { tag: 'user', attrs: { jid }, content };
}

export function answerEncrypt(network: Network, connection: Connection, node: BinaryNode): void {
  const device = ownDevice(network, connection);
  if (node.attrs.type === 'set') {
    if (!device) return network.replyError(connection, node, 401, 'not-authorized');
    if (getBinaryNodeChild(node, 'registration')) {
      const identity = getBinaryNodeChildBuffer(node, 'identity');
      if (identity && b64(identity) !== device.identityKey) return network.replyError(connection, node, 409, 'identity-mismatch');
      for (const key of getBinaryNodeChildren(getBinaryNodeChild(node, 'list'), 'key')) {
        const id = readKeyId(key);
        const value = getBinaryNodeChildBuffer(key, 'value');
        if (id !== undefined && value) device.preKeys[String(id)] = b64(value);
      }
      storeSignedPreKey(device, getBinaryNodeChild(node, 'skey'));
    } else if (getBinaryNodeChild(node, 'rotate')) {
      storeSignedPreKey(device, getBinaryNodeChild(getBinaryNodeChild(node, 'rotate'), 'skey'));
    } else {
      return network.replyError(connection, node, 400, 'bad-request');
    }
    network.state.changed();
    return network.reply(connection, node);
  }
  if (getBinaryNodeChild(node, 'count')) {
    return network.reply(connection, node, [{ tag: 'count', attrs: { value: String(Object.keys(device?.preKeys ?? {}).length) } }]);
  }
  if (getBinaryNodeChild(node, 'digest')) {
    return network.reply(connection, node, [{ tag: 'digest', attrs: {}, content: [{ tag: 'registration', attrs: {}, content: encodeBigEndian(device?.registrationId ?? 0) }] }]);
  }
  const keyRequest = getBinaryNodeChild(node, 'key');
  if (keyRequest) {
    const users: BinaryNode[] = [];
    for (const user of getBinaryNodeChildren(keyRequest, 'user')) {
      const target = resolveJid(network.state, user.attrs.jid);
      const record = target?.account.devices[String(target.device ?? 0)];
      if (target && record && user.attrs.jid) users.push(bundle(user.attrs.jid, record));
    }
    network.state.changed();
    return network.reply(connection, node, [{ tag: 'list', attrs: {}, content: users }]);
  }
  network.replyError(connection, node, 501, 'feature-not-implemented');
}
