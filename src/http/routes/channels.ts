import { Type, type Static } from '@sinclair/typebox';
import { sessionMedia } from '../../media/session-media.ts';
import type { RoutePlugin } from '../deps.ts';
import { FileSchema } from '../schemas/chatting.ts';
import { ErrorResponse } from '../schemas/common.ts';
import { MessageSchema } from '../schemas/messages.ts';
import { SessionName } from '../schemas/sessions.ts';
import { decodeParam } from '../decode-param.ts';

const tags = ['📢 Channels'];
const errors = { 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse, 422: ErrorResponse };
const ChannelSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Type.String(),
  invite: Type.String(),
  picture: Type.Union([Type.String(), Type.Null()]),
  preview: Type.Union([Type.String(), Type.Null()]),
  verified: Type.Boolean(),
  role: Type.String(),
  subscribersCount: Type.Integer(),
});
const SessionParams = Type.Object({ session: SessionName });
const ChannelParams = Type.Object({ session: SessionName, id: Type.String({ minLength: 5, description: '…@newsletter id, or an invite code/link' }) });
const ListQuery = Type.Object({ role: Type.Optional(Type.Union([Type.Literal('OWNER'), Type.Literal('ADMIN'), Type.Literal('SUBSCRIBER')])) });
const CreateBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 100 }),
  description: Type.Optional(Type.String({ maxLength: 2048 })),
  picture: Type.Optional(Type.Union([Type.Composite([FileSchema], { description: "The channel's picture (JPEG or PNG), by url or base64 data" }), Type.Null()])),
});

export const channelRoutes: RoutePlugin = async (app, { sessions, config }) => {
  const engine = (session: string) => sessions.workingEngine(session);
  app.get<{ Params: Static<typeof SessionParams>; Querystring: Static<typeof ListQuery> }>(
    '/api/:session/channels',
    { schema: { tags, summary: 'Channels you own or follow (through zapd)', params: SessionParams, querystring: ListQuery, response: { 200: Type.Array(ChannelSchema), ...errors } } },
    async (request) => (await (await engine(request.params.session)).channelList()).filter((channel) => !request.query.role || channel.role === request.query.role),
  );
  app.post<{ Params: Static<typeof SessionParams>; Body: Static<typeof CreateBody> }>(
    '/api/:session/channels',
    { schema: { tags, summary: 'Create a channel', params: SessionParams, body: CreateBody, response: { 201: ChannelSchema, ...errors } } },
    async (request, reply) => {
      const { session } = request.params;
      const working = await engine(session);
      const picture = request.body.picture ? (await sessionMedia(config, await sessions.proxyOf(session)).file(request.body.picture, 'image/jpeg')).data : undefined;
      return reply.code(201).send(await working.channelCreate(request.body.name, request.body.description, picture));
    },
  );
  app.get<{ Params: Static<typeof ChannelParams> }>(
    '/api/:session/channels/:id',
    { schema: { tags, summary: 'A channel by id or invite code', params: ChannelParams, response: { 200: ChannelSchema, ...errors } } },
    async (request) => (await engine(request.params.session)).channelGet(decodeParam(request.params.id)),
  );
  app.delete<{ Params: Static<typeof ChannelParams> }>(
    '/api/:session/channels/:id',
    { schema: { tags, summary: 'Delete a channel you own', params: ChannelParams, response: { 200: Type.Object({ success: Type.Boolean() }), ...errors } } },
    async (request) => {
      await (await engine(request.params.session)).channelDelete(request.params.id);
      return { success: true };
    },
  );
  const PreviewQuery = Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 10 })) });
  app.get<{ Params: Static<typeof ChannelParams>; Querystring: Static<typeof PreviewQuery> }>(
    '/api/:session/channels/:id/messages/preview',
    { schema: { tags, summary: "The channel's latest posts", params: ChannelParams, querystring: PreviewQuery, response: { 200: Type.Array(MessageSchema), ...errors } } },
    async (request) => (await engine(request.params.session)).channelMessages(request.params.id, request.query.limit ?? 10),
  );
  for (const action of ['follow', 'unfollow', 'mute', 'unmute'] as const) {
    app.post<{ Params: Static<typeof ChannelParams> }>(
      `/api/:session/channels/:id/${action}`,
      { schema: { tags, summary: `${action[0]?.toUpperCase()}${action.slice(1)} a channel`, params: ChannelParams, response: { 201: Type.Object({ success: Type.Boolean() }), ...errors } } },
      async (request, reply) => {
        await (await engine(request.params.session)).channelAction(request.params.id, action);
        return reply.code(201).send({ success: true });
      },
    );
  }
};
