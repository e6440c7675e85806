// The simulated primary device of an account. It never reads anybody's messages, but like a real
// phone it talks to its own companions over Signal: right after linking it shares the app-state
// key and an (empty) initial history sync, which Baileys waits for before it leaves its initial
// sync state. Its Signal sessions live in the account record so they survive a restart.
import { deflateSync } from 'node:zlib';
import { addTransactionCapability, BufferJSON, DEFAULT_CONNECTION_CONFIG, encodeWAMessage, generateSignalPubKey, proto } from 'baileys';
import type { SignalDataSet, SignalDataTypeMap, SignalKeyStore, SignalRepositoryWithLIDStore } from 'baileys';
import type { Logger } from 'pino';
import type { AccountRecord, DeviceRecord } from './state/accounts.ts';
import type { SimulatorStore } from './state/store.ts';

export interface PreKeyBundle {
  registrationId: number;
  identityKey: Buffer;
  signedPreKey: { keyId: number; publicKey: Buffer; signature: Buffer };
  preKey?: { keyId: number; publicKey: Buffer };
}

function phoneKeyStore(account: AccountRecord, store: SimulatorStore): SignalKeyStore {
  return {
    get<T extends keyof SignalDataTypeMap>(type: T, ids: string[]) {
      const found: { [id: string]: SignalDataTypeMap[T] } = {};
      for (const id of ids) {
        const text = account.phoneSignal[`${type}/${id}`];
        if (text !== undefined) found[id] = JSON.parse(text, BufferJSON.reviver) as SignalDataTypeMap[T];
      }
      return found;
    },
    set(data: SignalDataSet) {
      for (const [type, values] of Object.entries(data)) {
        for (const [id, value] of Object.entries(values ?? {})) {
          const key = `${type}/${id}`;
          if (value === null || value === undefined) delete account.phoneSignal[key];
          else account.phoneSignal[key] = JSON.stringify(value, BufferJSON.replacer);
        }
      }
      store.changed();
    },
  };
}

export class SimulatedPhone {
  private readonly repository: SignalRepositoryWithLIDStore;

  constructor(
    private readonly account: AccountRecord,
    store: SimulatorStore,
    logger: Logger,
  ) {
    const keys = addTransactionCapability(phoneKeyStore(account, store), logger, { maxCommitRetries: 1, delayBetweenTriesMs: 0 });
    const phone = account.devices['0'];
    if (!phone) throw new Error(`account ${account.phone} has no phone device`);
    const creds = {
      signedIdentityKey: { public: Buffer.from(account.accountKey.public, 'base64'), private: Buffer.from(account.accountKey.private, 'base64') },
      registrationId: phone.registrationId,
      signedPreKey: {
        keyId: phone.signedPreKey.id,
        keyPair: { public: Buffer.from(phone.signedPreKey.publicKey, 'base64'), private: Buffer.from(account.phoneSignedPreKeyPrivate, 'base64') },
        signature: Buffer.from(phone.signedPreKey.signature, 'base64'),
      },
    };
    this.repository = DEFAULT_CONNECTION_CONFIG.makeSignalRepository({ creds, keys }, logger);
  }

  /** Encrypts a message for one companion (addressed by its LID device jid), opening a session from its bundle when needed. */
  async encrypt(companionJid: string, bundle: () => PreKeyBundle, message: proto.IMessage): Promise<{ type: 'pkmsg' | 'msg'; ciphertext: Uint8Array }> {
    const { exists } = await this.repository.validateSession(companionJid);
    if (!exists) {
      const keys = bundle();
      await this.repository.injectE2ESession({
        jid: companionJid,
        session: {
          registrationId: keys.registrationId,
          identityKey: generateSignalPubKey(keys.identityKey),
          signedPreKey: { ...keys.signedPreKey, publicKey: generateSignalPubKey(keys.signedPreKey.publicKey) },
          preKey: keys.preKey ? { keyId: keys.preKey.keyId, publicKey: generateSignalPubKey(keys.preKey.publicKey) } : undefined,
        },
      });
    }
    return this.repository.encryptMessage({ jid: companionJid, data: encodeWAMessage(message) });
  }

  /** What a real phone sends a freshly linked companion: the app-state key, then the initial history sync. */
  welcomeMessages(device: DeviceRecord, contacts: AccountRecord[]): proto.IMessage[] {
    const key = this.account.appStateKey;
    const keyShare: proto.IMessage = {
      protocolMessage: {
        type: proto.Message.ProtocolMessage.Type.APP_STATE_SYNC_KEY_SHARE,
        appStateSyncKeyShare: {
          keys: [
            {
              keyId: { keyId: Buffer.from(key.id, 'base64') },
              keyData: {
                keyData: Buffer.from(key.data, 'base64'),
                fingerprint: { rawId: this.account.rawId, currentIndex: device.keyIndex, deviceIndexes: [0, device.keyIndex] },
                timestamp: key.timestamp,
              },
            },
          ],
        },
      },
    };
    const mappings = [this.account, ...contacts].map((account) => ({ pnJid: `${account.phone}@s.whatsapp.net`, lidJid: `${account.lid}@lid` }));
    const history = proto.HistorySync.encode({
      syncType: proto.HistorySync.HistorySyncType.INITIAL_BOOTSTRAP,
      conversations: [],
      pushnames: contacts.filter((account) => account.pushName).map((account) => ({ id: `${account.phone}@s.whatsapp.net`, pushname: account.pushName })),
      phoneNumberToLidMappings: mappings,
      progress: 100,
      chunkOrder: 0,
    }).finish();
    const historyNotification: proto.IMessage = {
      protocolMessage: {
        type: proto.Message.ProtocolMessage.Type.HISTORY_SYNC_NOTIFICATION,
        historySyncNotification: {
          syncType: proto.Message.HistorySyncType.INITIAL_BOOTSTRAP,
          chunkOrder: 0,
          progress: 100,
          initialHistBootstrapInlinePayload: deflateSync(history),
        },
      },
    };
    return [keyShare, historyNotification];
  }
}
