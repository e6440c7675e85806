// Baileys' auth state (creds + Signal keys) kept in our store instead of loose files. Every value is
// serialized with Baileys' BufferJSON; a session's writes land in one transaction; reads are cached
// in memory because Baileys asks for the same sessions and pre-keys over and over.
import { BufferJSON, initAuthCreds, proto } from 'baileys';
import type { AuthenticationCreds, AuthenticationState, SignalDataSet, SignalDataTypeMap } from 'baileys';
import type { AuthStateChange, AuthStateRepository } from '../../store/repositories.ts';

const CREDS_CATEGORY = 'creds';
const CREDS_ID = 'creds';

export interface StoredAuthState {
  state: AuthenticationState;
  /** Persists the current creds (call on Baileys' `creds.update`). */
  saveCreds(): Promise<void>;
  /**
   * While deferred, key writes stay in memory (Baileys still reads them back) until `flush`.
   * The engine defers while a received message is not yet recorded, so a crash in between leaves
   * the Signal session able to decrypt the message again when WhatsApp redelivers it.
   */
  defer(): void;
  /** Writes what was deferred; on failure it stays deferred (for `discard`) and the error is thrown. */
  flush(): Promise<void>;
  /**
   * Forgets the deferred writes, in memory too, so Baileys reads the stored keys again: the
   * messages they came from were not acknowledged and WhatsApp will deliver them again.
   */
  discard(): void;
}

function serialize(value: unknown): string {
  return JSON.stringify(value, BufferJSON.replacer);
}

function deserialize(text: string): unknown {
  return JSON.parse(text, BufferJSON.reviver) as unknown;
}

export async function loadAuthState(repository: AuthStateRepository, session: string): Promise<StoredAuthState> {
  const cache = new Map<string, unknown>();
  const cacheKey = (category: string, id: string) => `${category}\u0000${id}`;

  let deferred: Map<string, AuthStateChange> | undefined;
  const storedCreds = (await repository.get(session, CREDS_CATEGORY, [CREDS_ID])).get(CREDS_ID);
  const creds = storedCreds ? (deserialize(storedCreds) as AuthenticationCreds) : initAuthCreds();

  const state: AuthenticationState = {
    creds,
    keys: {
      async get<T extends keyof SignalDataTypeMap>(type: T, ids: string[]) {
        const found: { [id: string]: SignalDataTypeMap[T] } = {};
        const missing: string[] = [];
        for (const id of ids) {
          const key = cacheKey(type, id);
          if (!cache.has(key)) missing.push(id);
          else if (cache.get(key) !== null) found[id] = cache.get(key) as SignalDataTypeMap[T];
        }
        if (missing.length > 0) {
          const rows = await repository.get(session, type, missing);
          for (const id of missing) {
            const text = rows.get(id);
            let value: unknown = text === undefined ? null : deserialize(text);
            // Baileys expects a protobuf object here, not the plain JSON it serialized.
            if (value !== null && type === 'app-state-sync-key') {
              value = proto.Message.AppStateSyncKeyData.fromObject(value as Record<string, unknown>);
            }
            cache.set(cacheKey(type, id), value);
            if (value !== null) found[id] = value as SignalDataTypeMap[T];
          }
        }
        return found;
      },
      async set(data: SignalDataSet) {
        const changes: AuthStateChange[] = [];
        for (const [category, entries] of Object.entries(data)) {
          for (const [id, value] of Object.entries(entries ?? {})) {
            changes.push({ category, id, value: value === null || value === undefined ? null : serialize(value) });
          }
        }
        if (deferred) for (const change of changes) deferred.set(cacheKey(change.category, change.id), change);
        else await repository.write(session, changes);
        for (const [category, entries] of Object.entries(data)) {
          for (const [id, value] of Object.entries(entries ?? {})) cache.set(cacheKey(category, id), value ?? null);
        }
      },
      async clear() {
        await repository.clear(session);
        cache.clear();
      },
    },
  };

  return {
    state,
    saveCreds: () => repository.write(session, [{ category: CREDS_CATEGORY, id: CREDS_ID, value: serialize(state.creds) }]),
    defer() {
      deferred ??= new Map();
    },
    async flush() {
      const pending = deferred;
      deferred = undefined;
      if (!pending || pending.size === 0) return;
      try {
        await repository.write(session, [...pending.values()]);
      } catch (error) {
        // Writes deferred meanwhile are newer than these.
        deferred = new Map([...pending, ...(deferred ?? [])]);
        throw error;
      }
    },
    discard() {
      const pending = deferred;
      deferred = undefined;
      for (const key of pending?.keys() ?? []) cache.delete(key);
    },
  };
}
