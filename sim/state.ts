// Everything the simulated network remembers: accounts, their devices' public Signal keys, queued
// stanzas for offline devices, app-state patches, profiles and block lists. Plain JSON (binary as
// base64) so it can be saved to a file and loaded back after a restart.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Curve, signedKeyPair } from 'baileys';
import type { HistoryChatRecord } from './history.ts';

export interface SignedPreKeyRecord {
  id: number;
  publicKey: string;
  signature: string;
}

export interface DeviceRecord {
  id: number;
  registrationId: number;
  identityKey: string;
  signedPreKey: SignedPreKeyRecord | null;
  /** One-time pre-keys not yet handed out: id → public key. */
  preKeys: Record<string, string>;
  /** The Noise static key the device logs in with; null for the simulated phone. */
  noiseKey: string | null;
  keyIndex: number;
  platform: string;
  pushName: string | null;
  /** The name the phone lists the device under (its DeviceProps os), and its browser's platform type. */
  name?: string | null;
  platformType?: string | null;
  /** The device asked the phone for its full history when it linked. */
  requireFullSync?: boolean;
  /** Whether the phone has sent this device the account's app-state key. */
  appStateKeyShared?: boolean;
}

export interface AppStatePatchRecord {
  version: number;
  /** proto.SyncdPatch bytes, base64, exactly as the uploading device sent them. */
  patch: string;
}

export interface AppStateCollection {
  version: number;
  patches: AppStatePatchRecord[];
}

export interface AccountRecord {
  phone: string;
  lid: string;
  pushName: string;
  /** The account (phone) key: signs linked devices and is the phone's Signal identity. */
  accountPublicKey: string;
  accountPrivateKey: string;
  devices: Record<string, DeviceRecord>;
  nextDeviceId: number;
  about: { text: string; setAt: number };
  picture: { id: string; data: string } | null;
  blocklist: string[];
  appState: Record<string, AppStateCollection>;
  /** Shared by the phone with every linked device (see phone.ts). */
  appStateKey?: { keyId: string; keyData: string; timestamp: number };
  /** The chats the phone holds, sent to each newly linked device (see history.ts). */
  history?: HistoryChatRecord[];
  createdAt: number;
}

export interface GroupRecord {
  id: string;
  subject: string;
  subjectOwner: string;
  subjectTime: number;
  creation: number;
  creator: string;
  description: { id: string; text: string; owner: string; time: number } | null;
  /** Phone number → role. */
  participants: Record<string, 'superadmin' | 'admin' | 'member'>;
  /** Only admins send messages. */
  announce: boolean;
  /** Only admins edit the group info. */
  restrict: boolean;
  inviteCode: string;
}

export interface NewsletterRecord {
  id: string;
  name: string;
  description: string;
  invite: string;
  creation: number;
  owner: string;
  followers: string[];
  muted: string[];
  /** Posts, oldest first: the message proto as the owner sent it (channels are not end-to-end encrypted). */
  messages?: Array<{ serverId: number; id: string; t: number; type: string; plaintext: string }>;
  /** The channel's picture (JPEG, base64) and its id, which changes with every new picture. */
  picture?: { id: string; jpeg: string };
}

export interface SimulatorData {
  accounts: Record<string, AccountRecord>;
  newsletters?: Record<string, NewsletterRecord>;
  groups?: Record<string, GroupRecord>;
  /** Encoded stanzas waiting for a device that is offline: "phone:device" → base64 frames. */
  queues: Record<string, string[]>;
  nextLid: number;
  nextPhone: number;
  /** Virtual contacts (see virtual-contacts.ts) and their clients' auth, so they come back after a restart. */
  virtualContacts?: Record<string, { auth: { creds?: string; keys: Record<string, string> } }>;
  /** The media host's TLS certificate, kept so clients that trusted it keep working after a restart. */
  tls?: { certificate: string; privateKey: string };
}

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

export class SimulatorState {
  data: SimulatorData;
  private saveTimer: NodeJS.Timeout | undefined;

  constructor(private readonly file?: string) {
    this.data = file && existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as SimulatorData) : { accounts: {}, queues: {}, nextLid: 100000000000001, nextPhone: 15550000001 };
  }

  account(phone: string): AccountRecord | undefined {
    return this.data.accounts[phone];
  }

  accountByLid(lid: string): AccountRecord | undefined {
    return Object.values(this.data.accounts).find((account) => account.lid === lid);
  }

  /** A fresh phone number that no account uses yet. */
  freePhone(): string {
    while (this.data.accounts[String(this.data.nextPhone)]) this.data.nextPhone++;
    return String(this.data.nextPhone++);
  }

  /** Creates the account with its phone (device 0) and real Signal keys, or returns the existing one. */
  ensureAccount(phone: string, pushName?: string): AccountRecord {
    const existing = this.data.accounts[phone];
    if (existing) {
      if (pushName) existing.pushName = pushName;
      return existing;
    }
    const accountKey = Curve.generateKeyPair();
    const signedPreKey = signedKeyPair(accountKey, 1);
    const preKeys: Record<string, string> = {};
    for (let id = 1; id <= 20; id++) preKeys[String(id)] = b64(Curve.generateKeyPair().public);
    const account: AccountRecord = {
      phone,
      lid: String(this.data.nextLid++),
      pushName: pushName ?? `+${phone}`,
      accountPublicKey: b64(accountKey.public),
      accountPrivateKey: b64(accountKey.private),
      devices: {
        '0': {
          id: 0,
          registrationId: 1 + Math.floor(Math.random() * 16000),
          identityKey: b64(accountKey.public),
          signedPreKey: { id: signedPreKey.keyId, publicKey: b64(signedPreKey.keyPair.public), signature: b64(signedPreKey.signature) },
          preKeys,
          noiseKey: null,
          keyIndex: 0,
          platform: 'android',
          pushName: pushName ?? null,
        },
      },
      nextDeviceId: 2,
      about: { text: 'Hey there! I am using WhatsApp.', setAt: Math.floor(Date.now() / 1000) },
      picture: null,
      blocklist: [],
      appState: {},
      createdAt: Date.now(),
    };
    this.data.accounts[phone] = account;
    this.changed();
    return account;
  }

  queue(address: string): string[] {
    return (this.data.queues[address] ??= []);
  }

  takeQueue(address: string): string[] {
    const queued = this.data.queues[address] ?? [];
    delete this.data.queues[address];
    if (queued.length > 0) this.changed();
    return queued;
  }

  /** Debounced save; the file is replaced atomically so a crash never leaves half a snapshot. */
  changed(): void {
    if (!this.file || this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      // A failed save (disk full, folder removed) is reported and retried at the next change; thrown
      // from a timer it ended the whole process, zapd included in the sandbox.
      try {
        this.saveNow();
      } catch (error) {
        process.stderr.write(`simulator: could not save its state to ${this.file}: ${error instanceof Error ? error.message : String(error)}\n`);
      }
    }, 200);
  }

  saveNow(): void {
    if (!this.file) return;
    clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    const temporary = `${this.file}.tmp`;
    mkdirSync(dirname(this.file), { recursive: true });
    writeFileSync(temporary, JSON.stringify(this.data));
    renameSync(temporary, this.file);
  }

  reset(): void {
    this.data = { accounts: {}, queues: {}, nextLid: 100000000000001, nextPhone: 15550000001, ...(this.data.tls ? { tls: this.data.tls } : {}) };
    this.changed();
  }
}
