// The simulated phone's cryptographic duty towards each new linked device: sending it the
// account's app-state key (without which it cannot read or write archive, pin, star, labels, push
// name...) and the chat history, end-to-end encrypted from the phone (device 0) like any message.
import { randomBytes } from 'node:crypto';
import { addTransactionCapability, encodeWAMessage, generateSignalPubKey, proto, signedKeyPair } from 'baileys';
// Baileys does not re-export its Signal repository; the phone needs exactly the client's own.
import { makeLibSignalRepository } from 'baileys/lib/Signal/libsignal.js';
import type { KeyPair, SignalDataSet, SignalDataTypeMap } from 'baileys';
import type { Logger } from 'pino';
import type { AccountRecord, DeviceRecord } from './state.ts';

function memoryKeys() {
  const values = new Map<string, unknown>();
  return {
    get: async <T extends keyof SignalDataTypeMap>(type: T, ids: string[]) => {
      const found: { [id: string]: SignalDataTypeMap[T] } = {};
      for (const id of ids) {
        const value = values.get(`${type}/${id}`);
        if (value !== undefined) found[id] = value as SignalDataTypeMap[T];
      }
      return found;
    },
    set: async (data: SignalDataSet) => {
      for (const [type, entries] of Object.entries(data)) {
        for (const [id, value] of Object.entries(entries ?? {})) {
          if (value === null || value === undefined) values.delete(`${type}/${id}`);
          else values.set(`${type}/${id}`, value);
        }
      }
    },
  };
}

/** The account's app-state key, created on first use and the same for all its devices. */
export function appStateKey(account: AccountRecord): { keyId: string; keyData: string; timestamp: number } {
  account.appStateKey ??= { keyId: randomBytes(6).toString('base64'), keyData: randomBytes(32).toString('base64'), timestamp: Date.now() };
  return account.appStateKey;
}

export interface PhoneCiphertext {
  type: 'pkmsg' | 'msg';
  ciphertext: Buffer;
}

/** Encrypts messages from the phone to one device, in order, in one Signal session built from the device's published bundle. */
export async function encryptFromPhone(account: AccountRecord, device: DeviceRecord, messages: proto.IMessage[], logger: Logger): Promise<PhoneCiphertext[] | undefined> {
  const [preKeyId, preKey] = Object.entries(device.preKeys)[0] ?? [];
  if (!device.signedPreKey) return undefined;
  if (preKeyId !== undefined) delete device.preKeys[preKeyId];
  const identity: KeyPair = { public: Buffer.from(account.accountPublicKey, 'base64'), private: Buffer.from(account.accountPrivateKey, 'base64') };
  const repository = makeLibSignalRepository(
    {
      creds: { signedIdentityKey: identity, signedPreKey: signedKeyPair(identity, 1), registrationId: account.devices['0']?.registrationId ?? 1 },
      keys: addTransactionCapability(memoryKeys(), logger, { maxCommitRetries: 1, delayBetweenTriesMs: 1 }),
    },
    // The phone encrypts to one known device; the repository's LID lookups have nothing to do here.
    logger.child({}, { level: 'silent' }),
  );
  const jid = `${account.phone}:${device.id}@s.whatsapp.net`;
  await repository.injectE2ESession({
    jid,
    session: {
      registrationId: device.registrationId,
      identityKey: generateSignalPubKey(Buffer.from(device.identityKey, 'base64')),
      signedPreKey: { keyId: device.signedPreKey.id, publicKey: generateSignalPubKey(Buffer.from(device.signedPreKey.publicKey, 'base64')), signature: Buffer.from(device.signedPreKey.signature, 'base64') },
      ...(preKeyId !== undefined && preKey !== undefined ? { preKey: { keyId: Number(preKeyId), publicKey: generateSignalPubKey(Buffer.from(preKey, 'base64')) } } : {}),
    },
  });
  const encrypted: PhoneCiphertext[] = [];
  for (const message of messages) {
    const { type, ciphertext } = await repository.encryptMessage({ jid, data: encodeWAMessage(message) });
    encrypted.push({ type, ciphertext: Buffer.from(ciphertext) });
  }
  return encrypted;
}

export function appStateKeyShareMessage(account: AccountRecord): proto.IMessage {
  const key = appStateKey(account);
  return {
    protocolMessage: {
      type: proto.Message.ProtocolMessage.Type.APP_STATE_SYNC_KEY_SHARE,
      appStateSyncKeyShare: {
        keys: [
          {
            keyId: { keyId: Buffer.from(key.keyId, 'base64') },
            keyData: { keyData: Buffer.from(key.keyData, 'base64'), fingerprint: { rawId: 1, currentIndex: 0, deviceIndexes: [0] }, timestamp: key.timestamp },
          },
        ],
      },
    },
  };
}
