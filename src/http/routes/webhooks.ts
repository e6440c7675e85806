import { Type, type Static } from '@sinclair/typebox';
import { notFound } from '../../errors.ts';
import type { RoutePlugin } from '../deps.ts';
import { ErrorResponse } from '../schemas/common.ts';

const tags = ['🔔 Events'];
const Delivery = Type.Object({
  seq: Type.Integer(),
  eventId: Type.String(),
  session: Type.String(),
  url: Type.String({ description: "The webhook's URL, or a broker sink's target such as rabbitmq:zapd.events" }),
  kind: Type.String({ description: 'webhook, rabbitmq, nats or redis' }),
  attempts: Type.Integer(),
  status: Type.String(),
  lastError: Type.Union([Type.String(), Type.Null()]),
  nextAttemptAt: Type.Number(),
});
const ListQuery = Type.Object({
  status: Type.Optional(Type.Union([Type.Literal('pending'), Type.Literal('dead')], { default: 'pending' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
});

/** The webhook outbox, for operators (zapd): what is still owed or was given up, and a retry. */
export const webhookRoutes: RoutePlugin = async (app, { outbox, wakeDeliveries }) => {
  app.get<{ Querystring: Static<typeof ListQuery> }>(
    '/api/server/webhooks/deliveries',
    { schema: { tags, summary: 'Webhook and broker sink deliveries still pending or given up (dead) (zapd)', querystring: ListQuery, response: { 200: Type.Array(Delivery), 401: ErrorResponse } } },
    async (request) => outbox.list(request.query.status ?? 'pending', request.query.limit ?? 100),
  );
  const Params = Type.Object({ seq: Type.Integer({ minimum: 1 }) });
  app.post<{ Params: Static<typeof Params> }>(
    '/api/server/webhooks/deliveries/:seq/retry',
    { schema: { tags, summary: 'Try a delivery again now, with a fresh attempt count (zapd)', params: Params, response: { 201: Type.Object({ success: Type.Boolean() }), 401: ErrorResponse, 404: ErrorResponse } } },
    async (request, reply) => {
      if (!(await outbox.retryNow(request.params.seq))) throw notFound(`No delivery ${request.params.seq}`);
      wakeDeliveries();
      return reply.code(201).send({ success: true });
    },
  );
};
