import { Type, type Static } from '@sinclair/typebox';
import type { RoutePlugin } from '../deps.ts';
import { toChatId } from '../dialect.ts';
import { ChatIdField } from '../schemas/chatting.ts';
import { ErrorResponse } from '../schemas/common.ts';
import { SentMessageSchema } from '../schemas/messages.ts';
import { SessionName } from '../schemas/sessions.ts';

const errors = { 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse, 422: ErrorResponse };
const SessionParams = Type.Object({ session: SessionName });
const EventBody = Type.Object({
  chatId: ChatIdField,
  event: Type.Object({
    name: Type.String({ minLength: 1, maxLength: 256 }),
    description: Type.Optional(Type.String({ maxLength: 2048 })),
    startTime: Type.Integer({ minimum: 0, description: 'Unix seconds' }),
    endTime: Type.Optional(Type.Union([Type.Integer({ minimum: 0 }), Type.Null()])),
    location: Type.Optional(Type.Union([Type.Object({ name: Type.String() }), Type.Null()])),
    extraGuestsAllowed: Type.Optional(Type.Boolean()),
  }),
  reply_to: Type.Optional(Type.Union([Type.String(), Type.Null()])),
});
const RejectBody = Type.Object({ from: ChatIdField, id: Type.String({ minLength: 1 }) });

/** Event messages (🗓️ Events) and rejecting calls (📞 Calls). */
export const eventMessageRoutes: RoutePlugin = async (app, { sessions }) => {
  app.post<{ Params: Static<typeof SessionParams>; Body: Static<typeof EventBody> }>(
    '/api/:session/events',
    { schema: { tags: ['🗓️ Events'], summary: 'Send an event (calendar invitation) message', params: SessionParams, body: EventBody, response: { 201: SentMessageSchema, ...errors } } },
    async (request, reply) => {
      const { event } = request.body;
      const engine = await sessions.workingEngine(request.params.session);
      const sent = await engine.send(
        toChatId(request.body.chatId),
        {
          kind: 'event',
          name: event.name,
          startTime: event.startTime,
          ...(event.description ? { description: event.description } : {}),
          ...(event.endTime ? { endTime: event.endTime } : {}),
          ...(event.location ? { location: event.location.name } : {}),
          ...(event.extraGuestsAllowed !== undefined ? { extraGuestsAllowed: event.extraGuestsAllowed } : {}),
        },
        request.body.reply_to ? { replyTo: request.body.reply_to } : {},
      );
      return reply.code(201).send(sent);
    },
  );
  app.post<{ Params: Static<typeof SessionParams>; Body: Static<typeof RejectBody> }>(
    '/api/:session/calls/reject',
    { schema: { tags: ['📞 Calls'], summary: 'Reject an incoming call (id and from from the call.received event)', params: SessionParams, body: RejectBody, response: { 201: Type.Object({ success: Type.Boolean() }), ...errors } } },
    async (request, reply) => {
      await (await sessions.workingEngine(request.params.session)).rejectCall(toChatId(request.body.from), request.body.id);
      return reply.code(201).send({ success: true });
    },
  );
};
