// The simulator's trust chain: a root Curve25519 key (what clients pin through WA_CERT_DETAILS),
// an intermediate it signs, and a leaf binding the server's static Noise key.
import { createHash, randomBytes } from 'node:crypto';
import { Curve, proto } from 'baileys';
import type { KeyPair } from 'baileys';

export interface TrustChain {
  root: KeyPair;
  serverStatic: KeyPair;
  /** proto.CertChain bytes, sent encrypted in the server hello. */
  certificateChain: Uint8Array;
}

/** Clamped Curve25519 key pair from 32 seed bytes, so the same seed always gives the same root. */
export function keyPairFromSeed(seed: Buffer): KeyPair {
  const privateKey = Buffer.from(seed);
  privateKey[0] = (privateKey[0] ?? 0) & 248;
  privateKey[31] = ((privateKey[31] ?? 0) & 127) | 64;
  // Curve.generateKeyPair has no seeded variant; X25519(private, basepoint 9) is the public key.
  const basepoint = Buffer.alloc(32);
  basepoint[0] = 9;
  return { private: privateKey, public: Buffer.from(Curve.sharedKey(privateKey, basepoint)) };
}

function derive(seed: string, label: string): Buffer {
  return createHash('sha256').update(`${seed}\u0000${label}`).digest();
}

export function createTrustChain(seed: string = randomBytes(16).toString('hex')): TrustChain {
  const root = keyPairFromSeed(derive(seed, 'root'));
  const intermediate = keyPairFromSeed(derive(seed, 'intermediate'));
  const serverStatic = keyPairFromSeed(derive(seed, 'server-static'));
  const Details = proto.CertChain.NoiseCertificate.Details;
  const intermediateDetails = Details.encode({ serial: 1, issuerSerial: 0, key: intermediate.public, notBefore: 0, notAfter: 0 }).finish();
  const leafDetails = Details.encode({ serial: 2, issuerSerial: 1, key: serverStatic.public, notBefore: 0, notAfter: 0 }).finish();
  const certificateChain = proto.CertChain.encode({
    intermediate: { details: intermediateDetails, signature: Curve.sign(root.private, intermediateDetails) },
    leaf: { details: leafDetails, signature: Curve.sign(intermediate.private, leafDetails) },
  }).finish();
  return { root, serverStatic, certificateChain };
}

