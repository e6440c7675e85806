// The decision for one request: may this principal call this route on these sessions?
import type { AccessRule, RouteInput } from './access-rules.ts';
import type { Principal } from './model.ts';

const record = (value: unknown): Record<string, unknown> | undefined =>
  value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;

/**
 * The sessions the path and query name, before the body is parsed (and before the Wappfy fold,
 * hence `sessionId` too): checked early, so a refused request learns nothing from validation.
 */
export function sessionsInUrl(request: { params: unknown; query: unknown }, rule: AccessRule): string[] {
  const query = record(request.query);
  const named = [record(request.params)?.session, query?.session, query?.sessionId].flat().filter((value) => typeof value === 'string' || typeof value === 'number').map(String);
  return rule.access === 'session' && rule.wildcard ? named.filter((name) => name !== '*') : named;
}

/**
 * Every session a request names: path, query and body, so no handler can read a session the check
 * did not see. Runs after the Wappfy fold (`sessionId` is `session` by then). A request naming none
 * works on 'default', as the handlers do — unless the route takes '*', which its handler narrows.
 */
export function sessionsNamed(request: { params: unknown; query: unknown; body: unknown }, rule: AccessRule): string[] {
  const found = new Set<string>();
  const add = (value: unknown) => {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (typeof item === 'string' || typeof item === 'number') found.add(String(item));
    }
  };
  add(record(request.params)?.session);
  add(record(request.query)?.session);
  const body = record(request.body);
  add(body?.session);
  const wildcard = rule.access === 'session' && rule.wildcard === true;
  if (rule.access === 'session' && rule.nameField) add(body?.name);
  if (wildcard) found.delete('*');
  return found.size > 0 || wildcard ? [...found] : ['default'];
}

/** undefined when allowed; otherwise why not, for a 403. */
export function refusal(principal: Principal, rule: AccessRule | undefined, sessions: () => string[]): string | undefined {
  if (principal.kind === 'admin') return undefined;
  if (principal.kind === 'media' && !(rule?.access === 'session' && rule.media)) return 'A media key can only download files (GET /api/files/{session}/...)';
  if (!rule || rule.access === 'server') return 'This route is server-wide: it needs an admin key';
  if (rule.access === 'any' || rule.access === 'session-list') return undefined;
  const other = sessions().find((name) => name !== principal.session);
  if (other !== undefined) return `This key is bound to session '${principal.session}' and cannot act on '${other.slice(0, 64)}'`;
  if (principal.kind === 'media' || rule.scope === 'retrieve') return undefined;
  if (!principal.actions[rule.scope]) return `This key lacks the '${rule.scope}' scope`;
  return undefined;
}

export type { RouteInput };
