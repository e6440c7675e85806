// The dashboard: static files, no build step, served from src/dashboard/static. The page itself is
// public; every call it makes carries the API key the user typed in.
import { readFile } from 'node:fs/promises';
import type { RoutePlugin } from '../deps.ts';

const FILES: Record<string, string> = { 'index.html': 'text/html; charset=utf-8', 'app.js': 'text/javascript; charset=utf-8', 'keys.js': 'text/javascript; charset=utf-8', 'style.css': 'text/css; charset=utf-8' };
const root = new URL('../../dashboard/static/', import.meta.url);

export const dashboardRoutes: RoutePlugin = async (app) => {
  const serve = (name: string) => async (_request: unknown, reply: { type(value: string): { send(body: Buffer): unknown } }) =>
    reply.type(FILES[name] ?? 'application/octet-stream').send(await readFile(new URL(name, root)));
  app.get('/dashboard', { schema: { hide: true, security: [] } }, serve('index.html'));
  for (const name of Object.keys(FILES)) app.get(`/dashboard/${name}`, { schema: { hide: true, security: [] } }, serve(name));
};
