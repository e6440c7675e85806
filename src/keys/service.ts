// Creating, changing and finding API keys. The plaintext of a key leaves this module only in the
// answer to the call that made it (and, for media and control keys, to the calls WAHA lets "get"
// them again); listings show a hint.
import { notFound, unprocessable } from '../errors.ts';
import { CONTROL_ACTIONS, principalOf, type KeyPurpose, type Principal, type SessionActions, type StoredKey } from './model.ts';
import type { KeyRepository } from './repository.ts';
import { adminKeyMatcher, derivedKey, keyHint, newKey, newKeyId, sameDigest, sha512Hex } from './secrets.ts';

/** WAHA's ApiKeyRequest. */
export interface KeyRequest {
  isAdmin: boolean;
  session: string | null;
  isActive: boolean;
  actions?: Partial<SessionActions> | null;
}

/** WAHA's ApiKeyDTO, plus `purpose` for the media and control keys (zapd). */
export interface KeyView {
  id: string;
  key: string;
  isActive: boolean;
  isAdmin: boolean;
  session: string | null;
  actions: Partial<SessionActions> | null;
  purpose?: 'media' | 'control';
}

export interface KeyServiceOptions {
  repository: KeyRepository;
  /** The configured (or generated) admin key: plaintext or `sha512:<hex>`. */
  adminKey: string;
  sessionExists(name: string): Promise<boolean>;
  now?: () => number;
}

/**
 * How long a lookup is remembered. Changes made here clear it at once; the delay only matters when
 * several zapd nodes share one PostgreSQL store and a key is revoked on another node.
 */
const LOOKUP_TTL_MS = 2_000;
const LOOKUP_CACHE_LIMIT = 10_000;

function checkShape(request: Pick<KeyRequest, 'isAdmin' | 'session' | 'actions'>): void {
  if (request.isAdmin && request.session) throw unprocessable('Session is not allowed for admin keys');
  if (!request.isAdmin && !request.session) throw unprocessable('Either isAdmin must be true or session must be provided');
  if (request.actions && !request.session) throw unprocessable('Actions are only allowed for session-scoped keys');
}

export class KeyService {
  private readonly matchesAdminKey: (presented: string) => boolean;
  private readonly lookups = new Map<string, { key: StoredKey | undefined; until: number }>();
  private readonly now: () => number;

  constructor(private readonly options: KeyServiceOptions) {
    this.matchesAdminKey = adminKeyMatcher(options.adminKey);
    this.now = options.now ?? Date.now;
  }

  /** The caller behind a presented key, or undefined for an unknown or inactive key. */
  async authenticate(presented: string): Promise<Principal | undefined> {
    if (this.matchesAdminKey(presented)) return { kind: 'admin', keyId: null };
    const hash = sha512Hex(presented);
    const key = await this.lookup(hash);
    if (!key || !key.isActive || !sameDigest(key.keyHash, hash)) return undefined;
    return principalOf(key);
  }

  async list(): Promise<KeyView[]> {
    return (await this.options.repository.list()).map((key) => this.view(key, key.keyHint));
  }

  async create(request: KeyRequest): Promise<KeyView> {
    checkShape(request);
    await this.requireSession(request.session);
    const plaintext = newKey();
    const key: StoredKey = {
      id: newKeyId(),
      keyHash: sha512Hex(plaintext),
      keyHint: keyHint(plaintext),
      purpose: 'general',
      isAdmin: request.isAdmin,
      isActive: request.isActive,
      session: request.isAdmin ? null : request.session,
      actions: request.actions ?? null,
      createdAt: this.now(),
    };
    await this.options.repository.insert(key);
    this.forgetLookups();
    return this.view(key, plaintext);
  }

  async update(id: string, request: KeyRequest): Promise<KeyView> {
    const existing = await this.options.repository.byId(id);
    if (!existing) throw notFound('API key not found');
    checkShape(request);
    if (existing.purpose !== 'general' && (request.isAdmin || request.actions)) {
      throw unprocessable(`A ${existing.purpose} key keeps its fixed scope: only isActive and session can change (create a session key for other scopes)`);
    }
    await this.requireSession(request.session);
    const updated: StoredKey = {
      ...existing,
      isAdmin: request.isAdmin,
      isActive: request.isActive,
      session: request.isAdmin ? null : request.session,
      actions: existing.purpose === 'general' ? (request.actions ?? null) : null,
    };
    if (!(await this.options.repository.replace(updated))) throw notFound('API key not found');
    this.forgetLookups();
    return this.view(updated, updated.keyHint);
  }

  async remove(id: string): Promise<{ result: true }> {
    if (!(await this.options.repository.remove(id))) throw notFound('API key not found');
    this.forgetLookups();
    return { result: true };
  }

  /**
   * WAHA's "create or get" for a session's media or control key: the same key on every call while
   * it exists and the admin key is unchanged (see derivedKey); a new one otherwise.
   */
  async scopedKey(session: string, purpose: Exclude<KeyPurpose, 'general'>): Promise<KeyView> {
    await this.requireSession(session);
    const existing = await this.options.repository.bySessionPurpose(session, purpose);
    if (existing) {
      const plaintext = derivedKey(this.options.adminKey, existing.id);
      if (existing.isActive && sameDigest(existing.keyHash, sha512Hex(plaintext))) return this.view(existing, plaintext);
      // Deactivated by an operator, or made under another admin key: replaced, never revived.
      await this.options.repository.remove(existing.id);
    }
    const id = newKeyId();
    const plaintext = derivedKey(this.options.adminKey, id);
    const key: StoredKey = {
      id,
      keyHash: sha512Hex(plaintext),
      keyHint: keyHint(plaintext),
      purpose,
      isAdmin: false,
      isActive: true,
      session,
      actions: null,
      createdAt: this.now(),
    };
    await this.options.repository.insert(key);
    this.forgetLookups();
    return this.view(key, plaintext);
  }

  private async requireSession(session: string | null): Promise<void> {
    if (session && !(await this.options.sessionExists(session))) throw unprocessable(`Session "${session}" does not exist`);
  }

  private view(key: StoredKey, shownKey: string): KeyView {
    const actions = key.purpose === 'control' ? CONTROL_ACTIONS : key.purpose === 'media' ? null : key.actions;
    return {
      id: key.id,
      key: shownKey,
      isActive: key.isActive,
      isAdmin: key.isAdmin,
      session: key.session,
      actions,
      ...(key.purpose === 'general' ? {} : { purpose: key.purpose }),
    };
  }

  private async lookup(hash: string): Promise<StoredKey | undefined> {
    const cached = this.lookups.get(hash);
    const now = this.now();
    if (cached && cached.until > now) return cached.key;
    const key = await this.options.repository.byHash(hash);
    // Unknown keys are remembered too, so a flood of bad keys does not become a flood of queries;
    // the bound keeps that memory from growing without limit.
    if (this.lookups.size >= LOOKUP_CACHE_LIMIT) this.lookups.clear();
    this.lookups.set(hash, { key, until: now + LOOKUP_TTL_MS });
    return key;
  }

  private forgetLookups(): void {
    this.lookups.clear();
  }
}
