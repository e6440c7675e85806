import websocket from '@fastify/websocket';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { RouteDeps } from './deps.ts';
import { foldDialect } from './dialect.ts';
import { registerApiKeyAuth } from './plugins/auth.ts';
import { registerBodyBudget } from './plugins/body-budget.ts';
import { registerDrain, type Drain } from './plugins/drain.ts';
import { registerErrorHandling } from './plugins/errors.ts';
import { registerInputGuard } from './plugins/input-guard.ts';
import { registerOpenApi } from './plugins/openapi.ts';
import { registerRequestParsing } from './plugins/request-parsing.ts';
import { routePlugins } from './routes/index.ts';
import { ErrorResponse } from './schemas/common.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Lets the requests in flight finish at shutdown (see plugins/drain.ts). */
    drain: Drain;
  }
}

export async function buildApp(deps: RouteDeps): Promise<FastifyInstance> {
  const app = Fastify({
    // Per-request logs only when debugging (at info level they would drown the session events);
    // a quieter configured level still wins.
    loggerInstance: deps.logger.child({ module: 'http' }, { level: ['debug', 'trace'].includes(deps.config.logLevel) ? deps.config.logLevel : ['error', 'fatal', 'silent'].includes(deps.config.logLevel) ? deps.config.logLevel : 'warn' }) as FastifyBaseLogger,
    bodyLimit: 80 * 1024 * 1024,
    // WAHA (Express) serves `/api/sessions/` and `…/participants/` as their slash-less paths.
    routerOptions: { ignoreTrailingSlash: true },
    // A client that never hangs up must not hold a shutdown hostage: requests in flight are waited
    // for first (see plugins/drain.ts), then every connection left is closed.
    forceCloseConnections: true,
    ajv: { customOptions: { coerceTypes: 'array', removeAdditional: false, useDefaults: true, allErrors: true } },
  });
  app.decorate('drain', registerDrain(app));
  await registerErrorHandling(app);
  await registerApiKeyAuth(app, { config: deps.config, keys: deps.keys });
  await registerRequestParsing(app);
  await registerOpenApi(app, deps.config.version);
  await app.register(websocket);
  app.addSchema(ErrorResponse);
  await registerInputGuard(app);
  registerBodyBudget(app, deps.config.maxBodyBytesInFlight);
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    deps.metrics.increment('zapd_http_requests_total', 'HTTP requests by route and status', { method: request.method, route, status: String(reply.statusCode) });
    deps.metrics.observe('zapd_http_request_duration_seconds', 'HTTP request latency', reply.elapsedTime / 1000, { method: request.method, route });
  });
  app.addHook('preValidation', async (request) => {
    foldDialect(request.body);
    foldDialect(request.query);
  });
  for (const plugin of routePlugins) await plugin(app, deps);
  return app;
}
