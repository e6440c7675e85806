import { Type, type Static } from '@sinclair/typebox';
import { exitNow, shutdown } from '../../lifecycle.ts';
import type { RoutePlugin } from '../deps.ts';
import { ErrorResponse } from '../schemas/common.ts';

const tags = ['🔍 Observability'];
const Worker = Type.Object({ id: Type.Union([Type.String(), Type.Null()]) });
const Version = Type.Object({ version: Type.String(), engine: Type.String(), tier: Type.String(), browser: Type.Null(), platform: Type.String(), worker: Worker });
const Checks = Type.Record(Type.String(), Type.Unknown());
// Terminus' shape, as WAHA answers: `details` repeats every check, the passed ones and the failed ones.
const Health = Type.Object({ status: Type.String(), info: Checks, error: Checks, details: Checks });

export const observabilityRoutes: RoutePlugin = async (app, { config, store, sessions, startedAt, metrics }) => {
  // Metrics name sessions and show traffic: an admin key unless the operator opens them (ZAPD_METRICS_PUBLIC).
  const metricsSecurity = config.metricsPublic ? { security: [] } : {};
  app.get('/metrics', { schema: { tags, summary: config.metricsPublic ? 'Prometheus metrics' : 'Prometheus metrics (admin key)', ...metricsSecurity, produces: ['text/plain'] } }, async (_request, reply) =>
    reply.type('text/plain; version=0.0.4').send(await metrics.render()),
  );

  const version = { version: config.version, engine: 'NOWEB', tier: 'CORE', browser: null, platform: `${process.platform}/${process.arch}`, worker: { id: null } };

  app.get('/ping', { schema: { tags, summary: 'Liveness', security: [], response: { 200: Type.Object({ message: Type.Literal('pong') }) } } }, async () => ({ message: 'pong' as const }));

  app.get(
    '/health',
    { schema: { tags, summary: 'Readiness: the store answers; sessions by status', security: [], response: { 200: Health, 503: Health } } },
    async (_request, reply) => {
      const all = await sessions.list({ all: true }).catch(() => []);
      const byStatus: Record<string, number> = {};
      for (const session of all) byStatus[session.status] = (byStatus[session.status] ?? 0) + 1;
      try {
        await store.ping();
        const info = { store: { status: 'up', kind: store.kind }, sessions: { status: 'up', byStatus } };
        return { status: 'ok', info, error: {}, details: info };
      } catch (error) {
        const info = { sessions: { status: 'up', byStatus } };
        const failed = { store: { status: 'down', message: error instanceof Error ? error.message : String(error) } };
        return reply.code(503).send({ status: 'error', info, error: failed, details: { ...info, ...failed } });
      }
    },
  );

  for (const path of ['/api/server/version', '/api/version']) {
    app.get(path, { schema: { tags, summary: 'Server version', response: { 200: Version, 401: ErrorResponse } } }, async () => version);
  }

  app.get<{ Querystring: { all?: boolean } }>(
    '/api/server/environment',
    { schema: { tags, summary: 'Server environment (all=true adds the configuration, secrets masked)', querystring: Type.Object({ all: Type.Optional(Type.Boolean()) }), response: { 200: Type.Record(Type.String(), Type.Unknown()), 401: ErrorResponse } } },
    async (request) => {
      if (!request.query.all) return version;
      return {
        ...version,
        ZAPD_DATA_DIR: config.dataDir,
        ZAPD_STORE: store.kind,
        ZAPD_WA_URL: config.waUrl ?? null,
        WHATSAPP_HOOK_URL: config.webhook?.url ?? null,
        WHATSAPP_HOOK_EVENTS: config.webhook?.events.join(',') ?? null,
        WHATSAPP_API_KEY: '***',
      };
    },
  );

  const ServerStatus = Type.Object({ startTimestamp: Type.Number(), uptime: Type.Number(), worker: Worker, pid: Type.Integer(), memory: Type.Integer({ description: 'Resident set size, bytes' }) });
  app.get('/api/server/status', { schema: { tags, summary: 'Uptime and process facts', response: { 200: ServerStatus, 401: ErrorResponse } } }, async () => ({
    startTimestamp: startedAt,
    uptime: Date.now() - startedAt,
    worker: { id: null },
    pid: process.pid,
    memory: process.memoryUsage().rss,
  }));

  const StopBody = Type.Object({ force: Type.Optional(Type.Boolean({ default: false })) });
  app.post<{ Body: Static<typeof StopBody> }>(
    '/api/server/stop',
    { schema: { tags, summary: 'Stop the server gracefully; with force, at once (the outbox keeps what is not delivered)', body: Type.Optional(StopBody), response: { 201: Type.Object({ stopping: Type.Boolean() }), 401: ErrorResponse } } },
    async (request, reply) => {
      const force = request.body?.force ?? false;
      // The answer goes out first; then a graceful stop (sessions closed, deliveries flushed), or with
      // force an immediate exit: the outbox is durable, so what was not delivered goes out next start.
      setTimeout(() => (force ? exitNow('api stop, force') : void shutdown('api stop')), 100);
      return reply.code(201).send({ stopping: true });
    },
  );
};
