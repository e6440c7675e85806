// The seams between the store and the layers above it. The session manager and the engine depend on
// these interfaces only; src/store/ implements them over Kysely (SQLite by default, PostgreSQL with
// DATABASE_URL), so neither layer knows which database it runs on.

/** A session as the user created it. `config` is the WAHA session config object, stored verbatim. */
export interface StoredSession {
  name: string;
  config: Record<string, unknown>;
  /** True while the user wants the session running; sessions with it set are restored at boot. */
  enabled: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface SessionRepository {
  list(): Promise<StoredSession[]>;
  get(name: string): Promise<StoredSession | undefined>;
  /** Inserts a new session; resolves false (and writes nothing) when the name is taken. */
  create(session: { name: string; config: Record<string, unknown>; enabled: boolean }): Promise<boolean>;
  /** Changes the given fields; resolves false when there is no such session. */
  update(name: string, changes: { config?: Record<string, unknown>; enabled?: boolean }): Promise<boolean>;
  /** Removes the session and everything stored under its name (auth state included). */
  delete(name: string): Promise<boolean>;
}

/** One write to the engine's auth state; `value: null` deletes the entry. */
export interface AuthStateChange {
  category: string;
  id: string;
  value: string | null;
}

/**
 * The engine's credentials and Signal keys, per session, as an opaque key/value space
 * (category + id → serialized string). The engine owns the serialization; the store owns durability.
 */
export interface AuthStateRepository {
  /** The stored values for these ids; missing ids are absent from the map. */
  get(session: string, category: string, ids: string[]): Promise<Map<string, string>>;
  /** Applies every change in one transaction: all of them land, or none. */
  write(session: string, changes: AuthStateChange[]): Promise<void>;
  /** Every entry of one category (id → value). */
  list(session: string, category: string): Promise<Map<string, string>>;
  /** Forgets the session's auth state (logout). */
  clear(session: string): Promise<void>;
}

export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  readonly sessions: SessionRepository;
  readonly authState: AuthStateRepository;
  close(): Promise<void>;
}
