// Which key may call which route, decided from the route the router matched (method + pattern),
// never from the URL string. One table, first match wins. Why the lines fall where they do:
// - `read` is looking: every GET of session data, and the POSTs that only search or refresh caches.
// - `send` is acting as the account: sending, replying, reacting, forwarding, starring, marking
//   seen, typing and presence, and managing what the account owns (groups, labels, channels,
//   contacts, statuses, chat archive/pin/unread) — WAHA's description of the scope.
// - `control` is the session's lifecycle: start, stop, restart, logout, QR and pairing codes.
// - `setting` is configuration: the session config (which holds its webhooks) and the profile
//   (name, about, picture) — what an operator sets up once, not what a bot does per message.
// - `delete` destroys what cannot be had back: the session, a chat, a chat's or one message. It is
//   off by default, as in WAHA, so a leaked bot key cannot wipe an account.
// - `app` guards WAHA's apps, which zapd does not serve; the scope is kept for compatibility.
// - Server-wide routes (server stop/status/environment, webhook outbox, keys, metrics, creating
//   sessions) need an admin key. A route missing from the table is server-wide too: a new route is
//   closed to session keys until someone decides otherwise here (test/keys-access.e2e.test.ts
//   checks every served route has a line).
import type { Scope } from './model.ts';

export interface RouteInput {
  method: string;
  /** The matched route's pattern, e.g. `/api/:session/chats/:chatId/messages`. */
  pattern: string;
  body: unknown;
}

export type AccessRule =
  /** Admin keys only. */
  | { access: 'server' }
  /** Any valid key that is not a media key (the server's version). */
  | { access: 'any' }
  /** GET /api/sessions: every session key, which sees only its own session in the answer. */
  | { access: 'session-list' }
  /**
   * A route of one session: the session named in the path, query or body must be the key's, and
   * the key must hold `scope` ('retrieve' is WAHA's always-granted look at the session itself).
   * `nameField` says the session is in body.name (WAHA's deprecated session routes).
   * `media` lets media keys in as well. `wildcard` means '*' (all sessions) may be asked for: the
   * handler narrows it to the key's session.
   */
  | { access: 'session'; scope: Scope | 'retrieve'; nameField?: boolean; media?: boolean; wildcard?: boolean };

const server: AccessRule = { access: 'server' };
const session = (scope: Scope | 'retrieve', extra: { nameField?: boolean; media?: boolean; wildcard?: boolean } = {}): AccessRule => ({ access: 'session', scope, ...extra });

const bodyField = (body: unknown, field: string): unknown => (body && typeof body === 'object' ? (body as Record<string, unknown>)[field] : undefined);

type Rule = [methods: RegExp, pattern: RegExp, rule: AccessRule | ((input: RouteInput) => AccessRule)];

const SEND_VERBS = /^\/api\/(send\w*|send\/.+|reply|forwardMessage|startTyping|stopTyping|reaction|star)$/;

export const ACCESS_RULES: Rule[] = [
  // Server-wide.
  [/^GET$/, /^\/api\/(server\/)?version$/, { access: 'any' }],
  [/.*/, /^\/api\/server\//, server],
  [/.*/, /^\/metrics$/, server],
  [/^POST$/, /^\/api\/keys\/media$/, session('read')],
  [/^POST$/, /^\/api\/keys\/control$/, session('control')],
  [/.*/, /^\/api\/keys(\/:id)?$/, server],
  // Sessions.
  [/^GET$/, /^\/api\/sessions$/, { access: 'session-list' }],
  [/^POST$/, /^\/api\/sessions$/, server],
  [/^GET$/, /^\/api\/sessions\/:session(\/me)?$/, session('retrieve')],
  [/^PUT$/, /^\/api\/sessions\/:session$/, session('setting')],
  [/^DELETE$/, /^\/api\/sessions\/:session$/, session('delete')],
  [/^POST$/, /^\/api\/sessions\/:session\/(start|stop|restart|logout)$/, session('control')],
  // Deprecated forms: start may rewrite the config; stop with logout, and logout, delete the session.
  [/^POST$/, /^\/api\/sessions\/start$/, ({ body }) => session(bodyField(body, 'config') === undefined ? 'control' : 'setting', { nameField: true })],
  [/^POST$/, /^\/api\/sessions\/stop$/, ({ body }) => session(bodyField(body, 'logout') === true ? 'delete' : 'control', { nameField: true })],
  [/^POST$/, /^\/api\/sessions\/logout$/, session('delete', { nameField: true })],
  [/.*/, /^\/api\/:session\/auth\//, session('control')],
  // Profile: reading is `read`, changing it is `setting`.
  [/^GET$/, /^\/api\/:session\/profile$/, session('read')],
  [/^(PUT|DELETE)$/, /^\/api\/:session\/profile\//, session('setting')],
  // Files: the one thing a media key may do.
  [/^GET$/, /^\/api\/files\/:session\/:filename$/, session('read', { media: true })],
  [/^DELETE$/, /^\/api\/files\/:session\/:filename$/, session('delete')],
  // Destroying chats and messages.
  [/^DELETE$/, /^\/api\/:session\/chats\/:chatId(\/messages(\/:messageId)?)?$/, session('delete')],
  // POSTs that only look.
  [/^POST$/, /^\/api\/:session\/(chats\/overview|channels\/search\/[\w-]+|groups\/refresh|presence\/:chatId\/subscribe)$/, session('read')],
  // Events over WebSocket: a session key streams its own session only.
  [/^GET$/, /^\/ws$/, session('read', { wildcard: true })],
  // Deprecated GET /api/sendText sends: it must not fall under the GET rule below.
  [/.*/, SEND_VERBS, session('send')],
  [/^GET$/, /^\/api\/(:session\/.+|contacts(\/[\w-]+)?|messages|checkNumberStatus|screenshot)$/, session('read')],
  [/^(POST|PUT|DELETE)$/, /^\/api\/(:session\/.+|contacts\/(block|unblock))$/, session('send')],
];

/** The rule of a matched route; undefined means no line covers it (treated as server-wide). */
export function ruleFor(input: RouteInput): AccessRule | undefined {
  // Fastify answers HEAD with the GET route: it reads what GET reads.
  const method = input.method === 'HEAD' ? 'GET' : input.method;
  for (const [methods, pattern, rule] of ACCESS_RULES) {
    if (methods.test(method) && pattern.test(input.pattern)) return typeof rule === 'function' ? rule(input) : rule;
  }
  return undefined;
}
