// The simulated WhatsApp server: who is connected, linking devices, logging them in, and routing
// stanzas between devices. It relays end-to-end encrypted payloads untouched.
import { randomBytes } from 'node:crypto';
import {
  aesDecryptCTR,
  aesDecryptGCM,
  aesEncryptCTR,
  Curve,
  derivePairingCodeKey,
  encodeBinaryNode,
  getBinaryNodeChild,
  getBinaryNodeChildBuffer,
  getBinaryNodeChildren,
  hkdf,
  hmacSign,
  proto,
  WA_ADV_ACCOUNT_SIG_PREFIX,
} from 'baileys';
import type { KeyPair } from 'baileys';
import type { BinaryNode } from 'baileys';
import type { Logger } from 'pino';
import type { WebSocket } from 'ws';
import { lidJid, pnJid, deviceAddress } from './addressing.ts';
import { announceDeviceChange } from './device-lists.ts';
import { historySyncMessages } from './history.ts';
import { appStateKeyShareMessage, encryptFromPhone } from './phone.ts';
import { Connection, type RegistrationRequest } from './connection.ts';
import { answerIq } from './handlers/iq.ts';
import { relayMessage, relayReceipt } from './handlers/messages.ts';
import { handlePresence, handleChatState } from './handlers/presence.ts';
import type { AccountRecord, DeviceRecord, SimulatorState } from './state.ts';
import type { TrustChain } from './transport/certificates.ts';

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
/** Relayed message ids remembered to recognise a client's resend (see `Network.firstRelay`). */
const RELAYED_CAPACITY = 50_000;
const now = () => String(Math.floor(Date.now() / 1000));

interface PendingLink {
  connection: Connection;
  registration: RegistrationRequest;
  refs: string[];
  /** Set once the device asked for a pairing code instead of a QR scan. */
  linkCode?: { phone: string; wrappedCompanionEphemeral: Buffer; companionEphemeral?: Buffer; primaryEphemeral?: KeyPair; account?: AccountRecord };
}

export class SimulatorError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

export class Network {
  private readonly online = new Map<string, Connection>();
  private readonly all = new Set<Connection>();
  /** How often each account issued its trusted-contact token to each contact ("issuer>jid" → count); clients should do it once a week at most. */
  readonly trustTokenIssues = new Map<string, number>();
  private readonly pendingByRef = new Map<string, PendingLink>();
  private nextConnectionId = 1;
  /** Presence per account phone, and who subscribed to it (device addresses). */
  readonly presence = new Map<string, { available: boolean; lastSeen: number }>();
  readonly presenceSubscribers = new Map<string, Set<string>>();
  /** The HTTPS media host (uploads, downloads, profile pictures). */
  media: { host: string; auth: string } = { host: '127.0.0.1', auth: '' };
  /** Accounts whose message stanzas the network loses (see `POST /admin/blackhole`). */
  readonly blackholed = new Set<string>();
  /** Which device got which sender's message id lately (see `firstRelay`), oldest first. */
  private readonly relayed = new Set<string>();
  /** Message stanzas kept back while a burst is being prepared (see `holdMessages`). */
  private held: Array<{ account: AccountRecord; device: number; node: BinaryNode }> | undefined;

  constructor(
    readonly state: SimulatorState,
    private readonly trust: TrustChain,
    readonly logger: Logger,
  ) {}

  get connectionCount(): number {
    return this.all.size;
  }

  /** Logged-in connections per account phone (a device that logged in twice counts until the first is closed). */
  connectionsByPhone(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const connection of this.all) {
      if (connection.closed || connection.phone === undefined || connection.device === undefined) continue;
      counts[connection.phone] = (counts[connection.phone] ?? 0) + 1;
    }
    return counts;
  }

  attach(socket: WebSocket): void {
    const connection = new Connection(socket, this.trust.serverStatic, this.trust.certificateChain, {
      onRegistration: (conn, request) => this.onRegistration(conn, request),
      onLogin: (conn, payload) => this.onLogin(conn, payload),
      onStanza: (conn, node) => this.onStanza(conn, node),
      onClose: (conn) => this.onClose(conn),
    }, this.logger, this.nextConnectionId++);
    this.all.add(connection);
  }

  /**
   * Sends to a device now, or keeps it for the device's next login. Like WhatsApp, the server keeps a
   * message until the device acknowledges it: one sent to a device that disconnects before its ack
   * is delivered again at the next login.
   */
  deliver(account: AccountRecord, device: number, node: BinaryNode): void {
    if (this.held && node.tag === 'message') {
      this.held.push({ account, device, node });
      return;
    }
    const address = deviceAddress(account.phone, device);
    const connection = this.online.get(address);
    const encoded = b64(encodeBinaryNode(node));
    if (connection && !connection.closed) {
      if (node.attrs.id && (node.tag === 'message' || node.tag === 'receipt' || node.tag === 'notification')) {
        connection.unacked.set(`${node.tag}:${node.attrs.id}:${node.attrs.from ?? ''}`, encoded);
      }
      connection.sendEncoded(Buffer.from(encoded, 'base64'));
      return;
    }
    if (device === 0) return;
    this.state.queue(address).push(encoded);
    this.state.changed();
  }

  /** Whether this device has not been handed this sender's message id yet (and notes that it has now). */
  firstRelay(senderPhone: string, id: string, recipientPhone: string, device: number): boolean {
    const key = `${senderPhone}|${id}|${recipientPhone}:${device}`;
    if (this.relayed.has(key)) return false;
    this.relayed.add(key);
    if (this.relayed.size > RELAYED_CAPACITY) {
      const oldest = this.relayed.values().next().value;
      if (oldest !== undefined) this.relayed.delete(oldest);
    }
    return true;
  }

  /**
   * From now on keeps every message stanza back instead of delivering it, until `releaseHeld`. A
   * benchmark uses this to have its senders encrypt a burst ahead of time, so that their work, which
   * on a real network happens on other people's phones, does not compete with the receivers'.
   */
  holdMessages(): void {
    this.held ??= [];
  }

  /**
   * Once the stanzas of `expectedIds` have arrived, delivers the held stanzas in the order they were
   * sent, paced at `perSecond`, and stops holding.
   * Resolves with when each message id was handed to its recipient's connection (epoch ms, sub-ms
   * resolution so that another process on this machine can time the arrival).
   */
  async releaseHeld(perSecond: number, expectedIds: readonly string[] = []): Promise<Map<string, number>> {
    // A sender's stanza reaches the server some event-loop turns after its send resolved.
    const waitUntil = performance.now() + 30_000;
    const heldIds = () => new Set(this.held?.map((entry) => entry.node.attrs.id));
    while (performance.now() < waitUntil) {
      const present = heldIds();
      if (expectedIds.every((id) => present.has(id))) break;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const held = this.held ?? [];
    this.held = undefined;
    const releasedAt = new Map<string, number>();
    const started = performance.now();
    let next = 0;
    while (next < held.length) {
      const due = Math.floor(((performance.now() - started) * perSecond) / 1000) + 1;
      for (; next < held.length && next < due; next++) {
        const { account, device, node } = held[next]!;
        this.deliver(account, device, node);
        if (node.attrs.id && !releasedAt.has(node.attrs.id)) releasedAt.set(node.attrs.id, performance.timeOrigin + performance.now());
      }
      if (next < held.length) await new Promise((resolve) => setTimeout(resolve, 1));
    }
    return releasedAt;
  }

  /** The device confirmed a stanza; it will not be delivered again. */
  acknowledged(connection: Connection, node: BinaryNode): void {
    const kind = node.attrs.class;
    if (!kind || !node.attrs.id) return;
    if (connection.unacked.delete(`${kind}:${node.attrs.id}:${node.attrs.to ?? ''}`)) return;
    // Acks name the sender as the client saw it; fall back to any stanza with this id.
    for (const key of connection.unacked.keys()) {
      if (key.startsWith(`${kind}:${node.attrs.id}:`)) connection.unacked.delete(key);
    }
  }

  /**
   * The device's receipt for messages it received: Baileys confirms a decrypted message with a
   * `<receipt>` rather than an `<ack>`, and that too means it need not be delivered again. (A retry
   * receipt asks for the message again; that one is handled by the retry.)
   */
  received(connection: Connection, node: BinaryNode): void {
    if (node.attrs.type === 'retry') return;
    const ids = [node.attrs.id, ...getBinaryNodeChildren(getBinaryNodeChild(node, 'list'), 'item').map((item) => item.attrs.id)].filter((id): id is string => Boolean(id));
    for (const id of ids) {
      for (const key of connection.unacked.keys()) if (key.startsWith(`message:${id}:`)) connection.unacked.delete(key);
    }
  }

  isOnline(account: AccountRecord, device: number): boolean {
    return this.online.has(deviceAddress(account.phone, device));
  }

  linkedDevices(account: AccountRecord): DeviceRecord[] {
    return Object.values(account.devices).filter((device) => device.id !== 0);
  }

  reply(connection: Connection, request: BinaryNode, content?: BinaryNode[]): void {
    connection.send({
      tag: 'iq',
      attrs: { from: request.attrs.to ?? 's.whatsapp.net', type: 'result', id: request.attrs.id ?? '' },
      ...(content ? { content } : {}),
    });
  }

  replyError(connection: Connection, request: BinaryNode, code: number, text: string): void {
    connection.send({
      tag: 'iq',
      attrs: { from: request.attrs.to ?? 's.whatsapp.net', type: 'error', id: request.attrs.id ?? '' },
      content: [{ tag: 'error', attrs: { code: String(code), text } }],
    });
  }

  // ----- linking -------------------------------------------------------------------------------

  private onRegistration(connection: Connection, registration: RegistrationRequest): void {
    const refs = [1, 2, 3, 4, 5, 6].map(() => randomBytes(16).toString('base64url'));
    const pending: PendingLink = { connection, registration, refs };
    for (const ref of refs) this.pendingByRef.set(ref, pending);
    connection.send({
      tag: 'iq',
      attrs: { from: 's.whatsapp.net', type: 'set', id: randomBytes(4).toString('hex'), xmlns: 'md' },
      content: [{ tag: 'pair-device', attrs: {}, content: refs.map((ref) => ({ tag: 'ref', attrs: {}, content: Buffer.from(ref) })) }],
    });
  }

  /** The phone scans a QR: `[https://wa.me/settings/linked_devices#]ref,noiseKey,identityKey,advSecret[,platform]`. */
  scan(qr: string, phone?: string): { phone: string; jid: string } {
    const [ref = '', noiseKey, identityKey, advSecret] = (qr.trim().split('#').pop() ?? '').split(',');
    const pending = this.pendingByRef.get(ref);
    if (!pending || pending.connection.closed) throw new SimulatorError(404, 'no device is showing this QR code (expired or already linked)');
    if (!noiseKey || !identityKey || !advSecret) throw new SimulatorError(400, 'malformed QR code');
    if (phone !== undefined && !/^\d{5,20}$/.test(phone)) throw new SimulatorError(400, 'phone must be digits only');
    if (!Buffer.from(identityKey, 'base64').equals(pending.registration.identityKey)) {
      throw new SimulatorError(400, 'the QR identity key does not match the device showing it');
    }
    const account = this.state.ensureAccount(phone ?? this.state.freePhone());
    return this.link(pending, account, Buffer.from(advSecret, 'base64'));
  }

  /** The phone confirms a pairing code typed into it (see handlers/link-code.ts). */
  link(pending: PendingLink, account: AccountRecord, advSecret: Buffer): { phone: string; jid: string } {
    for (const ref of pending.refs) this.pendingByRef.delete(ref);
    const deviceId = account.nextDeviceId++;
    const keyIndex = deviceId;
    const { registration, connection } = pending;
    account.devices[String(deviceId)] = {
      id: deviceId,
      registrationId: registration.registrationId,
      identityKey: b64(registration.identityKey),
      signedPreKey: { id: registration.signedPreKey.id, publicKey: b64(registration.signedPreKey.publicKey), signature: b64(registration.signedPreKey.signature) },
      preKeys: {},
      noiseKey: connection.clientStatic ? b64(connection.clientStatic) : null,
      keyIndex,
      platform: registration.platform,
      pushName: null,
      name: registration.props.os,
      platformType: registration.props.platformType,
      requireFullSync: registration.props.requireFullSync,
    };
    this.state.changed();
    const accountPrivate = Buffer.from(account.accountPrivateKey, 'base64');
    const accountPublic = Buffer.from(account.accountPublicKey, 'base64');
    const details = proto.ADVDeviceIdentity.encode({ rawId: Number(account.lid.slice(-9)), timestamp: Math.floor(Date.now() / 1000), keyIndex }).finish();
    const accountSignature = Curve.sign(accountPrivate, Buffer.concat([WA_ADV_ACCOUNT_SIG_PREFIX, details, registration.identityKey]));
    const signedIdentity = proto.ADVSignedDeviceIdentity.encode({ details, accountSignatureKey: accountPublic, accountSignature }).finish();
    const identityHmac = proto.ADVSignedDeviceIdentityHMAC.encode({ details: signedIdentity, hmac: hmacSign(signedIdentity, advSecret) }).finish();
    const jid = pnJid(account, deviceId);
    connection.send({
      tag: 'iq',
      attrs: { from: 's.whatsapp.net', type: 'set', id: randomBytes(4).toString('hex'), xmlns: 'md' },
      content: [
        {
          tag: 'pair-success',
          attrs: {},
          content: [
            { tag: 'device-identity', attrs: {}, content: identityHmac },
            { tag: 'platform', attrs: { name: 'smba' } },
            { tag: 'device', attrs: { jid, lid: lidJid(account, deviceId) } },
            // Baileys takes the account's push name from here; without one it refuses to send presence.
            { tag: 'biz', attrs: { name: account.pushName } },
          ],
        },
      ],
    });
    this.logger.info({ phone: account.phone, device: deviceId }, 'device linked');
    announceDeviceChange(this, account, 'add', [deviceId]);
    return { phone: account.phone, jid: `${account.phone}@s.whatsapp.net` };
  }

  /**
   * Pairing code, step 1 (device → server): the device announces the phone number and its ephemeral
   * key wrapped with the code. Step 3 (device → server): the device's key bundle, from which the
   * phone derives the ADV secret and links it exactly as after a QR scan.
   */
  linkCodeRequest(connection: Connection, node: BinaryNode, request: BinaryNode): void {
    const pending = this.pendingLinkFor(connection);
    if (!pending) return this.replyError(connection, node, 400, 'not-registering');
    const stage = request.attrs.stage;
    if (stage === 'companion_hello') {
      const wrapped = getBinaryNodeChildBuffer(request, 'link_code_pairing_wrapped_companion_ephemeral_pub');
      const phone = (request.attrs.jid ?? '').split('@')[0] ?? '';
      if (!wrapped || !/^\d{5,20}$/.test(phone)) return this.replyError(connection, node, 400, 'bad-request');
      pending.linkCode = { phone, wrappedCompanionEphemeral: Buffer.from(wrapped) };
      return this.reply(connection, node, [{ tag: 'link_code_companion_reg', attrs: {}, content: [{ tag: 'link_code_pairing_ref', attrs: {}, content: Buffer.from(pending.refs[0] ?? '') }] }]);
    }
    if (stage === 'companion_finish') {
      const code = pending.linkCode;
      const bundle = getBinaryNodeChildBuffer(request, 'link_code_pairing_wrapped_key_bundle');
      const companionIdentity = getBinaryNodeChildBuffer(request, 'companion_identity_public');
      if (!code?.primaryEphemeral || !code.companionEphemeral || !code.account || !bundle || !companionIdentity) {
        return this.replyError(connection, node, 400, 'bad-request');
      }
      this.reply(connection, node);
      const wrappedBundle = Buffer.from(bundle);
      const sharedKey = Curve.sharedKey(code.primaryEphemeral.private, code.companionEphemeral);
      const bundleKey = hkdf(sharedKey, 32, { salt: wrappedBundle.subarray(0, 32), info: 'link_code_pairing_key_bundle_encryption_key' });
      const plain = aesDecryptGCM(wrappedBundle.subarray(44), bundleKey, wrappedBundle.subarray(32, 44), Buffer.alloc(0));
      const random = plain.subarray(64, 96);
      const identityShared = Curve.sharedKey(Buffer.from(code.account.accountPrivateKey, 'base64'), Buffer.from(companionIdentity));
      const advSecret = hkdf(Buffer.concat([sharedKey, identityShared, random]), 32, { info: 'adv_secret' });
      this.link(pending, code.account, Buffer.from(advSecret));
      return;
    }
    this.replyError(connection, node, 400, 'unknown-stage');
  }

  /** Pairing code, step 2: the user types the code on the phone. */
  async enterLinkCode(phone: string, code: string): Promise<{ phone: string; jid: string }> {
    const normalized = code.replace(/[\s-]/g, '').toUpperCase();
    if (!/^[A-Z0-9]{8}$/.test(normalized)) throw new SimulatorError(400, 'code must be 8 letters or digits');
    const pending = [...new Set(this.pendingByRef.values())].find((entry) => entry.linkCode?.phone === phone && !entry.connection.closed);
    if (!pending?.linkCode) throw new SimulatorError(404, `no device is waiting for a pairing code for +${phone}`);
    const wrapped = pending.linkCode.wrappedCompanionEphemeral;
    const codeKey = await derivePairingCodeKey(normalized, wrapped.subarray(0, 32));
    const companionEphemeral = aesDecryptCTR(wrapped.subarray(48, 80), codeKey, wrapped.subarray(32, 48));
    const account = this.state.ensureAccount(phone);
    const primaryEphemeral = Curve.generateKeyPair();
    pending.linkCode = { ...pending.linkCode, primaryEphemeral, account, companionEphemeral };
    const salt = randomBytes(32);
    const iv = randomBytes(16);
    const primaryKey = await derivePairingCodeKey(normalized, salt);
    const wrappedPrimary = Buffer.concat([salt, iv, aesEncryptCTR(primaryEphemeral.public, primaryKey, iv)]);
    pending.connection.send({
      tag: 'notification',
      attrs: { from: 's.whatsapp.net', type: 'link_code_companion_reg', id: String(Date.now()), t: String(Math.floor(Date.now() / 1000)) },
      content: [
        {
          tag: 'link_code_companion_reg',
          attrs: {},
          content: [
            { tag: 'link_code_pairing_ref', attrs: {}, content: Buffer.from(pending.refs[0] ?? '') },
            { tag: 'primary_identity_pub', attrs: {}, content: Buffer.from(account.accountPublicKey, 'base64') },
            { tag: 'link_code_pairing_wrapped_primary_ephemeral_pub', attrs: {}, content: wrappedPrimary },
          ],
        },
      ],
    });
    return { phone, jid: `${phone}@s.whatsapp.net` };
  }

  pendingLinkFor(connection: Connection): PendingLink | undefined {
    for (const pending of this.pendingByRef.values()) if (pending.connection === connection) return pending;
    return undefined;
  }

  // ----- login ---------------------------------------------------------------------------------

  private onLogin(connection: Connection, payload: proto.ClientPayload): void {
    const phone = String(payload.username ?? '');
    const deviceId = Number(payload.device ?? 0);
    const account = this.state.account(phone);
    const device = account?.devices[String(deviceId)];
    const knownKey = device?.noiseKey && connection.clientStatic && Buffer.from(device.noiseKey, 'base64').equals(connection.clientStatic);
    if (!account || !device || deviceId === 0 || !knownKey) {
      this.logger.info({ phone, device: deviceId }, 'login refused: unknown device');
      connection.send({ tag: 'failure', attrs: { reason: '401', location: 'sim' } });
      setTimeout(() => connection.close(), 50);
      return;
    }
    connection.phone = phone;
    connection.device = deviceId;
    connection.passive = payload.passive === true;
    const address = deviceAddress(phone, deviceId);
    const previous = this.online.get(address);
    if (previous && previous !== connection) {
      // As WhatsApp: the older connection of a device that logged in again is told it was replaced.
      previous.send({ tag: 'stream:error', attrs: {}, content: [{ tag: 'conflict', attrs: { type: 'replaced' } }] });
      setTimeout(() => previous.close(), 50);
      this.online.delete(address);
    }
    this.online.set(address, connection);
    connection.send({
      tag: 'success',
      attrs: { t: now(), lid: lidJid(account, deviceId), props: '1', abprops: '1', location: 'sim', creation: String(Math.floor(account.createdAt / 1000)) },
    });
    const queued = this.state.takeQueue(address);
    for (const encoded of queued) connection.sendEncoded(Buffer.from(encoded, 'base64'));
    connection.send({ tag: 'ib', attrs: { from: 's.whatsapp.net' }, content: [{ tag: 'offline', attrs: { count: String(queued.length) } }] });
    this.logger.info({ phone, device: deviceId, delivered: queued.length }, 'device logged in');
    if (!device.appStateKeyShared) void this.welcomeNewDevice(account, device);
  }

  /**
   * The phone sends a newly linked device what WhatsApp's phone does: the account's app-state key,
   * then the chat history (see history.ts), in that order, so the device can sync app state as soon
   * as the history tells it the initial sync has begun.
   */
  private async welcomeNewDevice(account: AccountRecord, device: DeviceRecord): Promise<void> {
    try {
      const encrypted = await encryptFromPhone(account, device, [appStateKeyShareMessage(account), ...historySyncMessages(account, device.requireFullSync === true)], this.logger);
      if (!encrypted) return;
      device.appStateKeyShared = true;
      this.state.changed();
      for (const { type, ciphertext } of encrypted) {
        this.deliver(account, device.id, {
          tag: 'message',
          attrs: { from: pnJid(account), id: randomBytes(10).toString('hex').toUpperCase(), t: String(Math.floor(Date.now() / 1000)), type: 'text', category: 'peer' },
          content: [{ tag: 'enc', attrs: { v: '2', type }, content: ciphertext }],
        });
      }
    } catch (error) {
      this.logger.warn({ err: error, phone: account.phone, device: device.id }, 'could not welcome the new device');
    }
  }

  private onClose(connection: Connection): void {
    this.all.delete(connection);
    if (connection.unacked.size > 0 && connection.address) {
      const successor = this.online.get(connection.address);
      if (successor && successor !== connection && !successor.closed) {
        // Replaced by a newer login of the same device: that one gets what this one did not confirm.
        for (const [key, encoded] of connection.unacked) {
          successor.unacked.set(key, encoded);
          successor.sendEncoded(Buffer.from(encoded, 'base64'));
        }
      } else {
        const queue = this.state.queue(connection.address);
        queue.unshift(...connection.unacked.values());
        this.state.changed();
      }
      connection.unacked.clear();
    }
    const pending = this.pendingLinkFor(connection);
    if (pending) for (const ref of pending.refs) this.pendingByRef.delete(ref);
    const address = connection.address;
    if (address && this.online.get(address) === connection) this.online.delete(address);
  }

  // ----- stanzas -------------------------------------------------------------------------------

  private async onStanza(connection: Connection, node: BinaryNode): Promise<void> {
    try {
      switch (node.tag) {
        case 'iq':
          return await answerIq(this, connection, node);
        case 'message':
          // A lossy network: the stanza vanishes, neither acked nor delivered.
          if (connection.phone !== undefined && this.blackholed.has(connection.phone)) return;
          return relayMessage(this, connection, node);
        case 'receipt':
          this.received(connection, node);
          return relayReceipt(this, connection, node);
        case 'presence':
          return handlePresence(this, connection, node);
        case 'chatstate':
          return handleChatState(this, connection, node);
        case 'ack':
          return this.acknowledged(connection, node);
        case 'call':
          // No calls are simulated; the server still acknowledges call signalling (offer/reject).
          if (node.attrs.id) connection.send({ tag: 'ack', attrs: { class: 'call', id: node.attrs.id, from: node.attrs.to ?? 's.whatsapp.net' } });
          return;
        case 'notification':
          return;
        default:
          this.logger.debug({ tag: node.tag }, 'ignoring unknown stanza');
      }
    } catch (error) {
      // A stanza the simulator cannot make sense of gets an error answer, never takes the server down.
      this.logger.warn({ err: error, tag: node.tag }, 'stanza failed');
      if (node.tag === 'iq' && node.attrs.id) this.replyError(connection, node, 500, 'internal-server-error');
    }
  }

  /** The phone removes every linked device ("log out from all devices"): each is told it was removed. */
  unlinkDevices(phone: string): number {
    const account = this.state.account(phone);
    if (!account) throw new SimulatorError(404, `no account ${phone}`);
    const removed = this.linkedDevices(account);
    for (const device of removed) {
      delete account.devices[String(device.id)];
      delete this.state.data.queues[deviceAddress(phone, device.id)];
      const connection = this.online.get(deviceAddress(phone, device.id));
      connection?.send({ tag: 'stream:error', attrs: { code: '401' }, content: [{ tag: 'conflict', attrs: { type: 'device_removed' } }] });
      setTimeout(() => connection?.close(), 50);
    }
    announceDeviceChange(this, account, 'remove', removed.map((device) => device.id));
    this.state.changed();
    return removed.length;
  }

  dropConnections(phone?: string): number {
    let dropped = 0;
    for (const connection of [...this.all]) {
      if (phone !== undefined && connection.phone !== phone) continue;
      connection.close();
      dropped++;
    }
    return dropped;
  }

  closeAll(): void {
    this.dropConnections();
  }
}
