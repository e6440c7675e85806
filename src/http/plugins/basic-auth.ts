// HTTP basic authentication for the pages people open in a browser (WAHA's dashboard and Swagger
// credentials). Off unless a password is configured.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { BasicCredentials } from '../../config.ts';
import { errorBody } from './errors.ts';

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

function presented(request: FastifyRequest): { username: string; password: string } | undefined {
  const header = request.headers.authorization;
  const match = typeof header === 'string' ? /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header) : null;
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** Both fields compared in full and in constant time, so timing tells nothing about either. */
function matches(given: { username: string; password: string }, expected: BasicCredentials): boolean {
  const user = timingSafeEqual(digest(given.username), digest(expected.username));
  const password = timingSafeEqual(digest(given.password), digest(expected.password));
  return user && password;
}

/** Answers 401 with a challenge unless the request carries the credentials; returns whether it answered. */
export function challengeUnlessAuthorized(request: FastifyRequest, reply: FastifyReply, expected: BasicCredentials, realm: string): boolean {
  const given = presented(request);
  if (given && matches(given, expected)) return false;
  void reply
    .code(401)
    .header('www-authenticate', `Basic realm="${realm}", charset="UTF-8"`)
    .send(errorBody(401, given ? 'Wrong user name or password' : 'This page needs a user name and password'));
  return true;
}
