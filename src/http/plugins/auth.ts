// The API key guards /api and /ws. Headers `X-Api-Key` (WAHA) and `apikey` (Wappfy) both work;
// WebSocket clients, which cannot set headers in browsers, pass it as a query parameter.
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

function isProtected(url: string): boolean {
  const path = url.split('?')[0] ?? '';
  return path === '/api' || path.startsWith('/api/') || path === '/ws' || path.startsWith('/ws/');
}

export async function registerApiKeyAuth(app: FastifyInstance, apiKey: string): Promise<void> {
  const expected = digest(apiKey);
  app.addHook('onRequest', async (request, reply) => {
    if (!isProtected(request.url)) return;
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
