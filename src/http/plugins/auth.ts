// The API key guards every route the router matched, unless the route declares itself public
// (`security: []` in its schema, as the OpenAPI document shows it) or belongs to the documentation
// pages. The decision is made on the matched route, never on the request's URL string: the router
// decodes `%61pi`, folds `//` and accepts absolute-form targets, so a prefix test of the raw URL
// let every /api route through without a key. Requests that match no route reach only the 404
// handler. Headers `X-Api-Key` (WAHA) and `apikey` (Wappfy) both work; WebSocket clients, which
// cannot set headers in browsers, pass the key as a query parameter.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from '../../config.ts';
import { errorBody } from './errors.ts';

const digest = (value: string) => createHash('sha256').update(value).digest();

function presentedKey(request: FastifyRequest): string | undefined {
  const query = request.query as Record<string, unknown> | undefined;
  const candidates = [request.headers['x-api-key'], request.headers.apikey, query?.['x-api-key'], query?.apikey, query?.api_key];
  return candidates.find((value): value is string => typeof value === 'string' && value.length > 0);
}

/** Routes of @fastify/swagger-ui, registered by the plugin itself: the documentation is public. */
const DOCUMENTATION_PREFIX = '/docs';

/** Whether the route that matched `request` is open without a key. */
export function isPublicRoute(request: FastifyRequest): boolean {
  if (request.is404) return true;
  const pattern = request.routeOptions.url;
  if (pattern === undefined) return false;
  if (pattern === DOCUMENTATION_PREFIX || pattern.startsWith(`${DOCUMENTATION_PREFIX}/`)) return true;
  const security = (request.routeOptions.schema as { security?: unknown } | undefined)?.security;
  return Array.isArray(security) && security.length === 0;
}

export async function registerApiKeyAuth(app: FastifyInstance, apiKey: string): Promise<void> {
  const expected = digest(apiKey);
  app.addHook('onRequest', async (request, reply) => {
    if (isPublicRoute(request)) return;
    const key = presentedKey(request);
    if (key && timingSafeEqual(digest(key), expected)) return;
    const body = errorBody(401, key ? 'Invalid API key' : 'Missing API key: send it in the X-Api-Key or apikey header');
    if (request.headers.upgrade) {
      // A refused WebSocket upgrade gets a plain HTTP answer and a closed socket; left to Fastify,
      // the half-upgraded connection would stay open and hold up server shutdown.
      const json = JSON.stringify(body);
      reply.hijack();
      request.raw.socket.end(`HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(json)}\r\nConnection: close\r\n\r\n${json}`);
      return;
    }
    return reply.code(401).send(body);
  });
}

/** The configured key, or the one generated at first start and kept in the data dir. */
export function resolveApiKey(config: Config, logger: Logger): string {
  if (config.apiKey) return config.apiKey;
  const file = join(config.dataDir, 'api-key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(config.dataDir, { recursive: true });
  const generated = randomBytes(24).toString('base64url');
  writeFileSync(file, `${generated}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  logger.warn(`No API key configured; generated one and saved it to ${file}. Send it as X-Api-Key: ${generated}`);
  return generated;
}
