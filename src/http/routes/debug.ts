// WAHA's debug downloads, for an operator chasing CPU or memory: a CPU profile of the next N seconds
// (open it in Chrome DevTools or speedscope) and a V8 heap snapshot. Server-wide: admin keys only
// (src/keys/access-rules.ts has no line for them, which makes them so).
import { Session } from 'node:inspector';
import { getHeapSnapshot } from 'node:v8';
import { Type, type Static } from '@sinclair/typebox';
import { conflict } from '../../errors.ts';
import type { RoutePlugin } from '../deps.ts';
import { ErrorResponse } from '../schemas/common.ts';

const tags = ['🔍 Observability'];
const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 409: ErrorResponse };
const CpuQuery = Type.Object({ seconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 300, default: 10, description: 'How long to profile' })) });

function post<T>(session: Session, method: string, params: object = {}): Promise<T> {
  return new Promise((resolve, reject) => session.post(method, params, (error, result) => (error ? reject(error) : resolve(result as T))));
}

/** One profile at a time: two would share V8's one CPU profiler and spoil each other. */
let profiling = false;

async function profileCpu(seconds: number): Promise<unknown> {
  if (profiling) throw conflict('a CPU profile is already being taken; try again when it is done');
  profiling = true;
  const session = new Session();
  session.connect();
  try {
    await post(session, 'Profiler.enable');
    await post(session, 'Profiler.start');
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    const { profile } = await post<{ profile: unknown }>(session, 'Profiler.stop');
    return profile;
  } finally {
    session.disconnect();
    profiling = false;
  }
}

const stamp = () => new Date().toISOString().replace(/[:.]/g, '-');

export const debugRoutes: RoutePlugin = async (app) => {
  app.get<{ Querystring: Static<typeof CpuQuery> }>(
    '/api/server/debug/cpu',
    { schema: { tags, summary: 'CPU profile of the next seconds (a .cpuprofile, for Chrome DevTools)', querystring: CpuQuery, produces: ['application/json'], response: { 200: Type.Unknown({ description: 'A V8 CPU profile' }), ...errors } } },
    async (request, reply) => {
      const profile = await profileCpu(request.query.seconds ?? 10);
      return reply
        .header('content-disposition', `attachment; filename="zapd-${stamp()}.cpuprofile"`)
        .type('application/json')
        .send(JSON.stringify(profile));
    },
  );
  app.get(
    '/api/server/debug/heapsnapshot',
    { schema: { tags, summary: 'A V8 heap snapshot (a .heapsnapshot, for Chrome DevTools); the server pauses while it is taken', produces: ['application/octet-stream'], response: { 200: Type.Unknown({ description: 'A V8 heap snapshot' }), ...errors } } },
    async (_request, reply) =>
      reply
        .header('content-disposition', `attachment; filename="zapd-${stamp()}.heapsnapshot"`)
        .type('application/octet-stream')
        .send(getHeapSnapshot()),
  );
};
