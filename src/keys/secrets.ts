// Key material: how keys are made, hashed and compared. Only SHA-512 digests of keys are stored;
// a presented key is hashed once and looked up by that digest (an indexed, O(1) lookup), then
// compared in constant time. A slow KDF (scrypt) would buy nothing here: the keys are 192 random
// bits, not passwords a dictionary could guess, and every request would pay for it.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const sha512Hex = (value: string): string => createHash('sha512').update(value, 'utf8').digest('hex');

/** Equal digests (hex of the same length), compared without leaking where they first differ. */
export function sameDigest(left: string, right: string): boolean {
  const a = Buffer.from(left, 'hex');
  const b = Buffer.from(right, 'hex');
  return a.length === b.length && a.length > 0 && timingSafeEqual(a, b);
}

/** WAHA's id shape: `key_id_` and 26 characters. */
export const newKeyId = (): string => `key_id_${randomBytes(13).toString('hex')}`;

/** WAHA's key shape: `key_` and 32 characters (here 24 random bytes, base64url). */
export const newKey = (): string => `key_${randomBytes(24).toString('base64url')}`;

/**
 * The key of a media or control key, computed from its id and the server's admin key. WAHA answers
 * "create or get" with the stored key; zapd stores only digests, so it recomputes the key instead.
 * Rotating the admin key changes the result, and the stored digest then no longer matches: the
 * caller issues a fresh key (the old one stops working, as it should after a rotation).
 */
export function derivedKey(adminKey: string, id: string): string {
  const mac = createHmac('sha256', adminKey).update(`zapd derived api key v1\n${id}`).digest();
  return `key_${mac.subarray(0, 24).toString('base64url')}`;
}

/** What a listing shows of a key: enough to tell keys apart, nothing to use. */
export const keyHint = (key: string): string => `${key.slice(0, 8)}…`;

/**
 * A test of a presented key against the configured admin key, which is either the key itself or
 * `sha512:<hex>` of it (WAHA's form, so the plaintext need not sit in the environment).
 */
export function adminKeyMatcher(configured: string): (presented: string) => boolean {
  const expected = configured.toLowerCase().startsWith('sha512:') ? configured.slice('sha512:'.length).toLowerCase() : sha512Hex(configured);
  return (presented) => sameDigest(sha512Hex(presented), expected);
}
