// One client WebSocket: the Noise handshake, then encrypted binary nodes in both directions.
// What the stanzas mean is the network's business; this class only knows who is on the line.
import { Curve, decodeBinaryNode, encodeBinaryNode, proto } from 'baileys';
import type { BinaryNode, KeyPair } from 'baileys';
import type { Logger } from 'pino';
import type { WebSocket } from 'ws';
import { FrameReader, frame, NoiseResponder } from './transport/noise.ts';

export interface RegistrationRequest {
  registrationId: number;
  identityKey: Buffer;
  signedPreKey: { id: number; publicKey: Buffer; signature: Buffer };
  platform: string;
  /** What the device says about itself (its DeviceProps): the name the phone lists it under. */
  props: { os: string | null; platformType: string | null; requireFullSync: boolean };
}

function deviceProps(bytes: Uint8Array | null | undefined): RegistrationRequest['props'] {
  if (!bytes?.length) return { os: null, platformType: null, requireFullSync: false };
  try {
    const props = proto.DeviceProps.decode(bytes);
    const platformType = props.platformType === null || props.platformType === undefined ? null : (proto.DeviceProps.PlatformType[props.platformType] ?? String(props.platformType));
    return { os: props.os ?? null, platformType, requireFullSync: props.requireFullSync === true };
  } catch {
    return { os: null, platformType: null, requireFullSync: false };
  }
}

export interface ConnectionHandlers {
  /** A new device asks to be linked; the network answers with pair-device refs. */
  onRegistration(connection: Connection, request: RegistrationRequest): void;
  /** A linked device logs in. */
  onLogin(connection: Connection, payload: proto.ClientPayload): void;
  onStanza(connection: Connection, node: BinaryNode): Promise<void>;
  onClose(connection: Connection): void;
}

export class Connection {
  /** Set after login: the account phone number and device id on this socket. */
  phone: string | undefined;
  device: number | undefined;
  /** The client's Noise static public key, learned in the handshake. */
  clientStatic: Buffer | undefined;
  passive = true;
  /** Stanzas sent but not yet acknowledged by the client, in send order (kind:id:from → encoded). */
  readonly unacked = new Map<string, string>();
  private readonly noise = new NoiseResponder();
  private readonly reader = new FrameReader();
  private stage: 'header' | 'hello' | 'finish' | 'open' = 'header';
  private ephemeral: KeyPair | undefined;
  private chain = Promise.resolve();
  closed = false;

  constructor(
    private readonly socket: WebSocket,
    private readonly serverStatic: KeyPair,
    private readonly certificateChain: Uint8Array,
    private readonly handlers: ConnectionHandlers,
    readonly logger: Logger,
    readonly id: number,
  ) {
    socket.on('message', (data: Buffer) => {
      // Frames are handled strictly in order, one at a time, as the client expects.
      this.chain = this.chain.then(() => this.receive(data)).catch((error: unknown) => {
        this.logger.warn({ err: error, connection: id }, 'closing connection after a bad frame');
        this.close();
      });
    });
    socket.on('close', () => {
      this.closed = true;
      handlers.onClose(this);
    });
    socket.on('error', () => this.close());
  }

  get address(): string | undefined {
    return this.phone === undefined || this.device === undefined ? undefined : `${this.phone}:${this.device}`;
  }

  send(node: BinaryNode): void {
    this.sendEncoded(encodeBinaryNode(node));
  }

  /** Sends an already encoded node (queued stanzas are stored encoded). */
  sendEncoded(encoded: Uint8Array): void {
    if (this.closed || this.stage !== 'open') return;
    this.logger.debug({ connection: this.id, bytes: encoded.length }, 'send');
    this.socket.send(frame(this.noise.encrypt(encoded)));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.terminate();
  }

  private async receive(data: Buffer): Promise<void> {
    if (this.closed) return;
    if (this.stage === 'header') {
      this.reader.pushRaw(data);
      const header = this.reader.takeHeader();
      if (!header) return;
      if (header[0] !== 0x57 || header[1] !== 0x41) throw new Error('not a WhatsApp client');
      this.noise.mixHash(header);
      this.stage = 'hello';
      for (const payload of this.reader.push(Buffer.alloc(0))) await this.onFrame(payload);
      return;
    }
    for (const payload of this.reader.push(data)) await this.onFrame(payload);
  }

  private async onFrame(payload: Buffer): Promise<void> {
    switch (this.stage) {
      case 'hello':
        return this.onClientHello(payload);
      case 'finish':
        return this.onClientFinish(payload);
      case 'open': {
        const node = await decodeBinaryNode(this.noise.decrypt(payload));
        this.logger.debug({ connection: this.id, tag: node.tag, attrs: node.attrs }, 'recv');
        await this.handlers.onStanza(this, node);
        return;
      }
      default:
        throw new Error(`unexpected frame in stage ${this.stage}`);
    }
  }

  private onClientHello(payload: Buffer): void {
    const hello = proto.HandshakeMessage.decode(payload).clientHello;
    if (!hello?.ephemeral || hello.ephemeral.length !== 32) throw new Error('client hello without ephemeral key');
    this.noise.mixHash(hello.ephemeral);
    const ephemeral = Curve.generateKeyPair();
    this.ephemeral = ephemeral;
    this.noise.mixHash(ephemeral.public);
    this.noise.mixKey(Curve.sharedKey(ephemeral.private, hello.ephemeral));
    const encryptedStatic = this.noise.encryptHandshake(this.serverStatic.public);
    this.noise.mixKey(Curve.sharedKey(this.serverStatic.private, hello.ephemeral));
    const encryptedCertificate = this.noise.encryptHandshake(this.certificateChain);
    const serverHello = proto.HandshakeMessage.encode({
      serverHello: { ephemeral: ephemeral.public, static: encryptedStatic, payload: encryptedCertificate },
    }).finish();
    this.socket.send(frame(serverHello));
    this.stage = 'finish';
  }

  private onClientFinish(payload: Buffer): void {
    const finish = proto.HandshakeMessage.decode(payload).clientFinish;
    if (!finish?.static || !finish.payload || !this.ephemeral) throw new Error('client finish incomplete');
    const clientStatic = this.noise.decryptHandshake(finish.static);
    this.clientStatic = clientStatic;
    this.noise.mixKey(Curve.sharedKey(this.ephemeral.private, clientStatic));
    const clientPayload = proto.ClientPayload.decode(this.noise.decryptHandshake(finish.payload));
    this.noise.finish();
    this.stage = 'open';
    const pairing = clientPayload.devicePairingData;
    if (pairing) {
      const registration: RegistrationRequest = {
        registrationId: Buffer.from(pairing.eRegid ?? []).readUInt32BE(0),
        identityKey: Buffer.from(pairing.eIdent ?? []),
        signedPreKey: {
          id: Buffer.from(pairing.eSkeyId ?? []).readUIntBE(0, 3),
          publicKey: Buffer.from(pairing.eSkeyVal ?? []),
          signature: Buffer.from(pairing.eSkeySig ?? []),
        },
        platform: 'web',
        props: deviceProps(pairing.deviceProps),
      };
      this.handlers.onRegistration(this, registration);
    } else {
      this.handlers.onLogin(this, clientPayload);
    }
  }
}
