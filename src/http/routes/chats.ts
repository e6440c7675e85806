import { Type, type Static } from '@sinclair/typebox';
import type { RoutePlugin } from '../deps.ts';
import { toChatId } from '../dialect.ts';
import { EditBody, MessageIdField } from '../schemas/chatting.ts';
import { ErrorResponse } from '../schemas/common.ts';
import { MessageSchema } from '../schemas/messages.ts';
import { SessionName } from '../schemas/sessions.ts';

const tags = ['💬 Chats'];
const errors = { 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse, 422: ErrorResponse };
const MessageParams = Type.Object({ session: SessionName, chatId: Type.String({ minLength: 3 }), messageId: MessageIdField });
type MessageParamsType = Static<typeof MessageParams>;

export const chatRoutes: RoutePlugin = async (app, { sessions }) => {
  app.put<{ Params: MessageParamsType; Body: Static<typeof EditBody> }>(
    '/api/:session/chats/:chatId/messages/:messageId',
    { schema: { tags, summary: 'Edit a message you sent', params: MessageParams, body: EditBody, response: { 200: MessageSchema, ...errors } } },
    async (request) => {
      const engine = await sessions.workingEngine(request.params.session);
      return engine.edit(toChatId(request.params.chatId), request.params.messageId, request.body.text);
    },
  );

  app.delete<{ Params: MessageParamsType }>(
    '/api/:session/chats/:chatId/messages/:messageId',
    { schema: { tags, summary: 'Delete a message for everyone', params: MessageParams, response: { 200: Type.Object({ success: Type.Boolean() }), ...errors } } },
    async (request) => {
      const engine = await sessions.workingEngine(request.params.session);
      await engine.revoke(toChatId(request.params.chatId), request.params.messageId);
      return { success: true };
    },
  );
};
