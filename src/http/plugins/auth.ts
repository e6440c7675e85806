// Who may call what. Authentication happens on the route the router matched, never on the
// request's URL string: the router decodes `%61pi`, folds `//` and accepts absolute-form targets,
// so a prefix test of the raw URL once let every /api route through without a key. Requests that
// match no route reach only the 404 handler.
//
// 1. onRequest: the documentation and dashboard pages ask for basic auth when it is configured;
//    public routes (`security: []` in their schema, as the OpenAPI document shows it) pass; every
//    other route needs a key — the admin key, or one made through /api/keys — in `X-Api-Key`
//    (WAHA) or `apikey` (Wappfy), or as a query parameter for WebSocket clients, which cannot set
//    headers in browsers.
// 2. The key's session and scope against the route's line in src/keys/access-rules.ts and every
//    session the request names: at once for the path and the query (so a refused request learns
//    nothing from validation), and again in preHandler — after the body is parsed, folded from
//    Wappfy's dialect and validated — with the body's.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from '../../config.ts';
import { ruleFor } from '../../keys/access-rules.ts';
import { readSavedApiKey, saveNewApiKey } from '../../runtime/api-key-file.ts';
import { refusal, sessionsInUrl, sessionsNamed } from '../../keys/authorize.ts';
import type { Principal } from '../../keys/model.ts';
import type { KeyService } from '../../keys/service.ts';
import { challengeUnlessAuthorized } from './basic-auth.ts';
import { errorBody } from './errors.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The caller, once its key is known; undefined on public routes. */
    principal?: Principal;
  }
}

function presentedKey(request: FastifyRequest): string | undefined {
  const query = request.query as Record<string, unknown> | undefined;
  const candidates = [request.headers['x-api-key'], request.headers.apikey, query?.['x-api-key'], query?.apikey, query?.api_key];
  return candidates.find((value): value is string => typeof value === 'string' && value.length > 0);
}

/** Routes of @fastify/swagger-ui, registered by the plugin itself. */
const DOCUMENTATION_PREFIX = '/docs';
const DASHBOARD_PREFIX = '/dashboard';

const under = (pattern: string | undefined, prefix: string) => pattern !== undefined && (pattern === prefix || pattern.startsWith(`${prefix}/`));

/** Whether the route that matched `request` is open without a key. */
export function isPublicRoute(request: FastifyRequest): boolean {
  if (request.is404) return true;
  const pattern = request.routeOptions.url;
  if (pattern === undefined) return false;
  if (under(pattern, DOCUMENTATION_PREFIX)) return true;
  const security = (request.routeOptions.schema as { security?: unknown } | undefined)?.security;
  return Array.isArray(security) && security.length === 0;
}

/**
 * A refusal. A refused WebSocket upgrade gets a plain HTTP answer and a closed socket; left to
 * Fastify, the half-upgraded connection would stay open and hold up server shutdown.
 */
function refuse(request: FastifyRequest, reply: FastifyReply, statusCode: 401 | 403, message: string): FastifyReply {
  const body = errorBody(statusCode, message);
  if (request.headers.upgrade) {
    const json = JSON.stringify(body);
    reply.hijack();
    request.raw.socket.end(`HTTP/1.1 ${statusCode} ${body.error}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(json)}\r\nConnection: close\r\n\r\n${json}`);
    return reply;
  }
  return reply.code(statusCode).send(body);
}

export interface AuthOptions {
  config: Pick<Config, 'dashboardAuth' | 'docsAuth'>;
  keys: KeyService;
}

export async function registerApiKeyAuth(app: FastifyInstance, { config, keys }: AuthOptions): Promise<void> {
  app.decorateRequest('principal', undefined);

  app.addHook('onRequest', async (request, reply) => {
    if (request.is404) return;
    const pattern = request.routeOptions.url;
    if (config.docsAuth && under(pattern, DOCUMENTATION_PREFIX)) {
      if (challengeUnlessAuthorized(request, reply, config.docsAuth, 'zapd API documentation')) return reply;
      return;
    }
    if (config.dashboardAuth && under(pattern, DASHBOARD_PREFIX)) {
      if (challengeUnlessAuthorized(request, reply, config.dashboardAuth, 'zapd dashboard')) return reply;
      return;
    }
    if (isPublicRoute(request)) return;
    const key = presentedKey(request);
    const principal = key ? await keys.authenticate(key) : undefined;
    if (principal) {
      request.principal = principal;
      if (principal.kind === 'admin') return;
      // The route and the sessions in its URL, before the body is read; the body's come below.
      const rule = ruleFor({ method: request.method, pattern: pattern ?? '', body: undefined });
      const reason = refusal(principal, rule, () => (rule ? sessionsInUrl(request, rule) : []));
      if (reason) return refuse(request, reply, 403, reason);
      return;
    }
    return refuse(request, reply, 401, key ? 'Invalid API key' : 'Missing API key: send it in the X-Api-Key or apikey header');
  });

  app.addHook('preHandler', async (request, reply) => {
    const principal = request.principal;
    if (!principal || principal.kind === 'admin') return;
    const rule = ruleFor({ method: request.method, pattern: request.routeOptions.url ?? '', body: request.body });
    const reason = refusal(principal, rule, () => (rule ? sessionsNamed(request, rule) : []));
    if (reason) return refuse(request, reply, 403, reason);
  });
}

/** The configured key, or the one generated at first start and kept in the data dir. */
export function resolveApiKey(config: Config, logger: Logger): string {
  if (config.apiKey) return config.apiKey;
  const saved = readSavedApiKey(config.dataDir);
  if (saved) return saved;
  const { key, file } = saveNewApiKey(config.dataDir);
  logger.warn(`No API key configured; generated one and saved it to ${file}. Send it as X-Api-Key: ${key}`);
  return key;
}
