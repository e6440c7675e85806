// The responder half of WhatsApp Web's Noise XX handshake (Noise_XX_25519_AESGCM_SHA256), mirroring
// the initiator in Baileys' Utils/noise-handler so the two derive the same keys, plus the frame codec:
// each frame is a 3-byte big-endian length and a payload; the client's first bytes are the WA header.
import { aesDecryptGCM, aesEncryptGCM, hkdf, NOISE_MODE, sha256 } from 'baileys';

function nonce(counter: number): Buffer {
  const iv = Buffer.alloc(12);
  iv.writeUInt32BE(counter, 8);
  return iv;
}

export class NoiseResponder {
  private hash: Buffer = Buffer.from(NOISE_MODE);
  private salt: Buffer = this.hash;
  private key: Buffer = this.hash;
  private counter = 0;
  private transport: { send: Buffer; receive: Buffer; sent: number; received: number } | undefined;

  mixHash(data: Uint8Array): void {
    this.hash = sha256(Buffer.concat([this.hash, data]));
  }

  mixKey(material: Uint8Array): void {
    const derived = Buffer.from(hkdf(Buffer.from(material), 64, { salt: this.salt, info: '' }));
    this.salt = derived.subarray(0, 32);
    this.key = derived.subarray(32);
    this.counter = 0;
  }

  encryptHandshake(plaintext: Uint8Array): Buffer {
    const result = aesEncryptGCM(plaintext, this.key, nonce(this.counter++), this.hash);
    this.mixHash(result);
    return result;
  }

  decryptHandshake(ciphertext: Uint8Array): Buffer {
    const result = aesDecryptGCM(ciphertext, this.key, nonce(this.counter++), this.hash);
    this.mixHash(ciphertext);
    return result;
  }

  /** Splits the final keys; the initiator encrypts with the first half, so we receive with it. */
  finish(): void {
    const derived = Buffer.from(hkdf(Buffer.alloc(0), 64, { salt: this.salt, info: '' }));
    this.transport = { receive: derived.subarray(0, 32), send: derived.subarray(32), sent: 0, received: 0 };
  }

  get established(): boolean {
    return this.transport !== undefined;
  }

  encrypt(plaintext: Uint8Array): Buffer {
    if (!this.transport) throw new Error('noise handshake not finished');
    return aesEncryptGCM(plaintext, this.transport.send, nonce(this.transport.sent++), Buffer.alloc(0));
  }

  decrypt(ciphertext: Uint8Array): Buffer {
    if (!this.transport) throw new Error('noise handshake not finished');
    return aesDecryptGCM(ciphertext, this.transport.receive, nonce(this.transport.received++), Buffer.alloc(0));
  }
}

export const WA_HEADER_LENGTH = 4;
export const MAX_FRAME = 0xffffff;

export function frame(payload: Uint8Array): Buffer {
  if (payload.length > MAX_FRAME) throw new Error('frame too large');
  const header = Buffer.alloc(3);
  header.writeUIntBE(payload.length, 0, 3);
  return Buffer.concat([header, payload]);
}

/** Accumulates socket chunks and yields whole frames. */
export class FrameReader {
  private buffer = Buffer.alloc(0);

  push(chunk: Buffer): Buffer[] {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    const frames: Buffer[] = [];
    while (this.buffer.length >= 3) {
      const length = this.buffer.readUIntBE(0, 3);
      if (this.buffer.length < length + 3) break;
      frames.push(this.buffer.subarray(3, length + 3));
      this.buffer = this.buffer.subarray(length + 3);
    }
    return frames;
  }

  /** Takes the client's WA intro header off the front of the stream. */
  takeHeader(): Buffer | undefined {
    if (this.buffer.length < WA_HEADER_LENGTH) return undefined;
    const header = this.buffer.subarray(0, WA_HEADER_LENGTH);
    this.buffer = this.buffer.subarray(WA_HEADER_LENGTH);
    return header;
  }

  pushRaw(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
  }
}
