// What the network knows about an account: its phone (device 0, simulated here with real Signal
// keys), its linked devices' public keys, profile, privacy, block list and app-state patches.
// Binary values are base64 strings so the whole record is plain JSON.
import { randomBytes, randomInt } from 'node:crypto';
import { Curve, signedKeyPair } from 'baileys';

export interface SignedPreKeyRecord {
  id: number;
  publicKey: string;
  signature: string;
}

export interface DeviceRecord {
  id: number;
  /** ADV key index; companions must have one or senders skip them. */
  keyIndex: number;
  registrationId: number;
  identityKey: string;
  signedPreKey: SignedPreKeyRecord;
  /** One-time pre-keys not yet handed out: id → public key. */
  preKeys: Record<string, string>;
  /** Noise static key the companion logs in with; null for the phone. */
  noiseKey: string | null;
  platform: string;
  /** The companion's ADVSignedDeviceIdentity (with its device signature), from pair-device-sign. */
  signedDeviceIdentity: string | null;
  /** The phone still owes this companion the app-state key share and the initial history sync. */
  needsWelcome: boolean;
  linkedAt: number;
}

export interface AppStatePatchRecord {
  version: number;
  /** proto.SyncdPatch bytes (with their version set), base64. */
  patch: string;
}

export interface AppStateCollection {
  version: number;
  patches: AppStatePatchRecord[];
}

export interface AccountRecord {
  phone: string;
  lid: string;
  pushName: string | null;
  /** ADV raw id shared by all the account's device identities. */
  rawId: number;
  /** The account key: signs linked devices and is the phone's Signal identity. */
  accountKey: { public: string; private: string };
  /** Private half of the phone's signed pre-key (the phone must be able to act as a Signal peer). */
  phoneSignedPreKeyPrivate: string;
  devices: Record<string, DeviceRecord>;
  nextDeviceId: number;
  nextKeyIndex: number;
  nextPhonePreKeyId: number;
  about: { text: string; setAt: number };
  picture: { id: string; data: string; setAt: number } | null;
  /** Phone numbers this account blocked. */
  blocked: string[];
  privacy: Record<string, string>;
  disappearing: { duration: number; setAt: number };
  appStateKey: { id: string; data: string; timestamp: number };
  appState: Record<string, AppStateCollection>;
  /** The phone's own Signal store (sessions with companions), "type/id" → BufferJSON text. */
  phoneSignal: Record<string, string>;
  createdAt: number;
}

export const DEFAULT_PRIVACY: Readonly<Record<string, string>> = {
  last: 'all',
  online: 'all',
  profile: 'all',
  status: 'all',
  readreceipts: 'all',
  groupadd: 'all',
  calladd: 'all',
  messages: 'all',
};

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

export function generatePreKeys(firstId: number, count: number): Record<string, string> {
  const keys: Record<string, string> = {};
  for (let id = firstId; id < firstId + count; id++) keys[String(id)] = b64(Curve.generateKeyPair().public);
  return keys;
}

export const PHONE_PREKEY_BATCH = 50;

export function createAccount(phone: string, lid: string): AccountRecord {
  const accountKey = Curve.generateKeyPair();
  const signed = signedKeyPair(accountKey, 1);
  const now = Date.now();
  const phoneDevice: DeviceRecord = {
    id: 0,
    keyIndex: 0,
    registrationId: randomInt(1, 16380),
    identityKey: b64(accountKey.public),
    signedPreKey: { id: signed.keyId, publicKey: b64(signed.keyPair.public), signature: b64(signed.signature) },
    preKeys: generatePreKeys(1, PHONE_PREKEY_BATCH),
    noiseKey: null,
    platform: 'android',
    signedDeviceIdentity: null,
    needsWelcome: false,
    linkedAt: now,
  };
  return {
    phone,
    lid,
    pushName: null,
    rawId: randomInt(1, 2 ** 31),
    accountKey: { public: b64(accountKey.public), private: b64(accountKey.private) },
    phoneSignedPreKeyPrivate: b64(signed.keyPair.private),
    devices: { '0': phoneDevice },
    nextDeviceId: 1,
    nextKeyIndex: 1,
    nextPhonePreKeyId: PHONE_PREKEY_BATCH + 1,
    about: { text: 'Hey there! I am using WhatsApp.', setAt: Math.floor(now / 1000) },
    picture: null,
    blocked: [],
    privacy: { ...DEFAULT_PRIVACY },
    disappearing: { duration: 0, setAt: 0 },
    appStateKey: { id: b64(randomBytes(6)), data: b64(randomBytes(32)), timestamp: now },
    appState: {},
    phoneSignal: {},
    createdAt: now,
  };
}

export function companions(account: AccountRecord): DeviceRecord[] {
  return Object.values(account.devices).filter((device) => device.id !== 0);
}

export function allDevices(account: AccountRecord): DeviceRecord[] {
  return Object.values(account.devices).sort((a, b) => a.id - b.id);
}
