// What a key is and what it may do, independent of HTTP and of the database.

/** WAHA's SessionActionsDTO: what a session key may do on its session. */
export const SCOPES = ['read', 'send', 'control', 'setting', 'app', 'delete'] as const;
export type Scope = (typeof SCOPES)[number];
export type SessionActions = Record<Scope, boolean>;

/** WAHA's defaults: everything but deleting the session (and its chats and messages, here). */
export const DEFAULT_ACTIONS: SessionActions = { read: true, send: true, control: true, setting: true, app: true, delete: false };
const NO_ACTIONS: SessionActions = { read: false, send: false, control: false, setting: false, app: false, delete: false };

/** Keys made by POST /api/keys are `general`; the two others come from /api/keys/media and /control. */
export type KeyPurpose = 'general' | 'media' | 'control';

export interface StoredKey {
  id: string;
  keyHash: string;
  keyHint: string;
  purpose: KeyPurpose;
  isAdmin: boolean;
  isActive: boolean;
  session: string | null;
  /** As given; null means DEFAULT_ACTIONS. */
  actions: Partial<SessionActions> | null;
  createdAt: number;
}

/** Who is calling, once the key is known. */
export type Principal =
  | { kind: 'admin'; keyId: string | null }
  | { kind: 'session'; keyId: string; session: string; actions: SessionActions }
  | { kind: 'media'; keyId: string; session: string };

/** A control key may start, stop, restart, log out and authenticate its session, nothing more. */
export const CONTROL_ACTIONS: SessionActions = { ...NO_ACTIONS, control: true };

/** Missing actions take WAHA's defaults, so `{ delete: true }` means the defaults plus delete. */
export function effectiveActions(actions: Partial<SessionActions> | null): SessionActions {
  return { ...DEFAULT_ACTIONS, ...(actions ?? {}) };
}

export function principalOf(key: StoredKey): Principal {
  if (key.isAdmin) return { kind: 'admin', keyId: key.id };
  const session = key.session ?? '';
  if (key.purpose === 'media') return { kind: 'media', keyId: key.id, session };
  return { kind: 'session', keyId: key.id, session, actions: key.purpose === 'control' ? CONTROL_ACTIONS : effectiveActions(key.actions) };
}

/** Whether a key may see `session` at all (session lists, event streams). */
export function seesSession(principal: Principal, session: string): boolean {
  return principal.kind === 'admin' || principal.session === session;
}
