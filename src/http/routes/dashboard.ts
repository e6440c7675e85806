// The dashboard: static files, no build step, served from src/dashboard/static. The page itself is
// public; every call it makes carries the API key the user typed in.
import { readFile } from 'node:fs/promises';
import type { RoutePlugin } from '../deps.ts';

const SCRIPT = 'text/javascript; charset=utf-8';
// Only these names are served: a request never turns into a path on disk.
const FILES: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'style.css': 'text/css; charset=utf-8',
  'app.js': SCRIPT,
  'core.js': SCRIPT,
  'format.js': SCRIPT,
  'icons.js': SCRIPT,
  'menu.js': SCRIPT,
  'media.js': SCRIPT,
  'sessions.js': SCRIPT,
  'chat-list.js': SCRIPT,
  'conversation.js': SCRIPT,
  'events.js': SCRIPT,
  'deliveries.js': SCRIPT,
  'sandbox.js': SCRIPT,
  'keys.js': SCRIPT,
};
const root = new URL('../../dashboard/static/', import.meta.url);

export const dashboardRoutes: RoutePlugin = async (app) => {
  const serve = (name: string) => async (_request: unknown, reply: { type(value: string): { send(body: Buffer): unknown } }) =>
    reply.type(FILES[name] ?? 'application/octet-stream').send(await readFile(new URL(name, root)));
  app.get('/dashboard', { schema: { hide: true, security: [] } }, serve('index.html'));
  for (const name of Object.keys(FILES)) app.get(`/dashboard/${name}`, { schema: { hide: true, security: [] } }, serve(name));
};
