import { Type, type Static } from '@sinclair/typebox';
import { fileUrlPolicy } from '../../media/policy.ts';
import { resolveFile } from '../../media/resolve-file.ts';
import type { RoutePlugin } from '../deps.ts';
import { toChatId } from '../dialect.ts';
import { ChatIdField, FileSchema } from '../schemas/chatting.ts';
import { ErrorResponse } from '../schemas/common.ts';
import { SessionName } from '../schemas/sessions.ts';

const errors = { 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse, 422: ErrorResponse, 501: ErrorResponse };
const SessionParams = Type.Object({ session: SessionName });
type SessionParamsType = Static<typeof SessionParams>;
const Ok = Type.Object({ success: Type.Boolean() });
const PresenceState = Type.Union([Type.Literal('online'), Type.Literal('offline'), Type.Literal('typing'), Type.Literal('recording'), Type.Literal('paused')]);
const ChatPresence = Type.Object({
  id: Type.String(),
  presences: Type.Array(Type.Object({ participant: Type.String(), lastKnownPresence: Type.String(), lastSeen: Type.Union([Type.Number(), Type.Null()]) })),
});

/** Profile (tag 🆔 Profile) and presence (tag ✅ Presence). */
export const profileRoutes: RoutePlugin = async (app, { sessions, config }) => {
  const engine = (session: string) => sessions.workingEngine(session);
  const profileTags = ['🆔 Profile'];

  app.get<{ Params: SessionParamsType }>(
    '/api/:session/profile',
    { schema: { tags: profileTags, summary: 'Your profile', params: SessionParams, response: { 200: Type.Object({ id: Type.String(), name: Type.Union([Type.String(), Type.Null()]), picture: Type.Union([Type.String(), Type.Null()]) }), ...errors } } },
    async (request) => (await engine(request.params.session)).profile(),
  );
  app.put<{ Params: SessionParamsType; Body: { name: string } }>(
    '/api/:session/profile/name',
    { schema: { tags: profileTags, summary: 'Set your push name', params: SessionParams, body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 25 }) }), response: { 200: Ok, ...errors } } },
    async (request) => {
      await (await engine(request.params.session)).setProfileName(request.body.name);
      return { success: true };
    },
  );
  app.put<{ Params: SessionParamsType; Body: { status: string } }>(
    '/api/:session/profile/status',
    { schema: { tags: profileTags, summary: 'Set your about text', params: SessionParams, body: Type.Object({ status: Type.String({ maxLength: 139 }) }), response: { 200: Ok, ...errors } } },
    async (request) => {
      await (await engine(request.params.session)).setProfileStatus(request.body.status);
      return { success: true };
    },
  );
  app.put<{ Params: SessionParamsType; Body: { file: Static<typeof FileSchema> } }>(
    '/api/:session/profile/picture',
    { schema: { tags: profileTags, summary: 'Set your profile picture', params: SessionParams, body: Type.Object({ file: FileSchema }), response: { 200: Ok, ...errors } } },
    async (request) => {
      const whatsapp = await engine(request.params.session);
      const image = await resolveFile(request.body.file, { urlPolicy: fileUrlPolicy(config, await sessions.proxyOf(request.params.session)), fallbackMimetype: 'image/jpeg' });
      const me = (await whatsapp.profile()).id;
      await whatsapp.setPicture(me, image.data);
      return { success: true };
    },
  );
  app.delete<{ Params: SessionParamsType }>(
    '/api/:session/profile/picture',
    { schema: { tags: profileTags, summary: 'Remove your profile picture', params: SessionParams, response: { 200: Ok, ...errors } } },
    async (request) => {
      const whatsapp = await engine(request.params.session);
      await whatsapp.removePicture((await whatsapp.profile()).id);
      return { success: true };
    },
  );

  const presenceTags = ['✅ Presence'];
  const ChatParams = Type.Object({ session: SessionName, chatId: ChatIdField });
  // WAHA clients send `chatId: ""` (or null) with online/offline: that is the global presence.
  const PresenceChat = Type.Optional(Type.Union([ChatIdField, Type.Literal(''), Type.Null()], { description: 'Chat for typing/recording/paused; empty or absent for online/offline' }));
  app.post<{ Params: SessionParamsType; Body: { chatId?: string | null; presence: Static<typeof PresenceState> } }>(
    '/api/:session/presence',
    { schema: { tags: presenceTags, summary: 'Set your presence (online/offline), or a chat state in chatId', params: SessionParams, body: Type.Object({ chatId: PresenceChat, presence: PresenceState }), response: { 201: Ok, ...errors } } },
    async (request, reply) => {
      await (await engine(request.params.session)).setPresence(request.body.presence, request.body.chatId ? toChatId(request.body.chatId) : undefined);
      return reply.code(201).send({ success: true });
    },
  );
  app.get<{ Params: SessionParamsType }>(
    '/api/:session/presence',
    { schema: { tags: presenceTags, summary: 'Presences of the chats you subscribed to', params: SessionParams, response: { 200: Type.Array(ChatPresence), ...errors } } },
    async (request) => (await engine(request.params.session)).presences(),
  );
  app.get<{ Params: Static<typeof ChatParams> }>(
    '/api/:session/presence/:chatId',
    { schema: { tags: presenceTags, summary: "A chat's presence (subscribes to it first)", params: ChatParams, response: { 200: ChatPresence, ...errors } } },
    async (request) => {
      const whatsapp = await engine(request.params.session);
      const chatId = toChatId(request.params.chatId);
      await whatsapp.subscribePresence(chatId);
      await new Promise((resolve) => setTimeout(resolve, 300));
      return whatsapp.presences().find((chat) => chat.id === chatId) ?? { id: chatId, presences: [] };
    },
  );
  app.post<{ Params: Static<typeof ChatParams> }>(
    '/api/:session/presence/:chatId/subscribe',
    { schema: { tags: presenceTags, summary: "Subscribe to a chat's presence (presence.update events)", params: ChatParams, response: { 201: Ok, ...errors } } },
    async (request, reply) => {
      await (await engine(request.params.session)).subscribePresence(toChatId(request.params.chatId));
      return reply.code(201).send({ success: true });
    },
  );
};
