import { Type, type Static } from '@sinclair/typebox';
import { LABEL_COLORS } from '../../engine/labels.ts';
import { badRequest } from '../../errors.ts';
import type { RoutePlugin } from '../deps.ts';
import { toChatId } from '../dialect.ts';
import { ErrorResponse } from '../schemas/common.ts';
import { SessionName } from '../schemas/sessions.ts';

const tags = ['🏷️ Labels'];
const errors = { 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse, 422: ErrorResponse };
const LabelSchema = Type.Object({ id: Type.String(), name: Type.String(), color: Type.Integer(), colorHex: Type.String() });
const SessionParams = Type.Object({ session: SessionName });
const LabelParams = Type.Object({ session: SessionName, labelId: Type.String({ pattern: '^\\d{1,10}$' }) });
const ChatParams = Type.Object({ session: SessionName, chatId: Type.String({ minLength: 3 }) });
const LabelBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 100 }),
  color: Type.Optional(Type.Integer({ minimum: 0, maximum: LABEL_COLORS.length - 1 })),
  colorHex: Type.Optional(Type.String({ pattern: '^#[0-9a-fA-F]{6}$' })),
});

/** Label colour from either WAHA field: an index, or one of WhatsApp's twenty hex colours. */
function colorOf(body: Static<typeof LabelBody>): number {
  if (body.color !== undefined) return body.color;
  if (!body.colorHex) return 0;
  const index = LABEL_COLORS.indexOf(body.colorHex.toLowerCase());
  if (index < 0) throw badRequest(`colorHex must be one of WhatsApp's label colours: ${LABEL_COLORS.join(', ')}`);
  return index;
}

export const labelRoutes: RoutePlugin = async (app, { sessions }) => {
  const engine = (session: string) => sessions.workingEngine(session);
  app.get<{ Params: Static<typeof SessionParams> }>(
    '/api/:session/labels',
    { schema: { tags, summary: 'Labels', params: SessionParams, response: { 200: Type.Array(LabelSchema), ...errors } } },
    async (request) => (await engine(request.params.session)).labels(),
  );
  app.post<{ Params: Static<typeof SessionParams>; Body: Static<typeof LabelBody> }>(
    '/api/:session/labels',
    { schema: { tags, summary: 'Create a label', params: SessionParams, body: LabelBody, response: { 201: LabelSchema, ...errors } } },
    async (request, reply) => reply.code(201).send(await (await engine(request.params.session)).saveLabel({ name: request.body.name, color: colorOf(request.body) })),
  );
  app.put<{ Params: Static<typeof LabelParams>; Body: Static<typeof LabelBody> }>(
    '/api/:session/labels/:labelId',
    { schema: { tags, summary: 'Rename or recolour a label', params: LabelParams, body: LabelBody, response: { 200: LabelSchema, ...errors } } },
    async (request) => (await engine(request.params.session)).saveLabel({ id: request.params.labelId, name: request.body.name, color: colorOf(request.body) }),
  );
  app.delete<{ Params: Static<typeof LabelParams> }>(
    '/api/:session/labels/:labelId',
    { schema: { tags, summary: 'Delete a label', params: LabelParams, response: { 200: Type.Object({ success: Type.Boolean() }), ...errors } } },
    async (request) => {
      await (await engine(request.params.session)).deleteLabel(request.params.labelId);
      return { success: true };
    },
  );
  app.get<{ Params: Static<typeof ChatParams> }>(
    '/api/:session/labels/chats/:chatId',
    { schema: { tags, summary: "A chat's labels", params: ChatParams, response: { 200: Type.Array(LabelSchema), ...errors } } },
    async (request) => (await engine(request.params.session)).chatLabels(toChatId(request.params.chatId)),
  );
  const ChatLabelsBody = Type.Object({ labels: Type.Array(Type.Object({ id: Type.String({ pattern: '^\\d{1,10}$' }) })) });
  app.put<{ Params: Static<typeof ChatParams>; Body: Static<typeof ChatLabelsBody> }>(
    '/api/:session/labels/chats/:chatId',
    { schema: { tags, summary: 'Set exactly these labels on a chat', params: ChatParams, body: ChatLabelsBody, response: { 200: Type.Object({ success: Type.Boolean() }), ...errors } } },
    async (request) => {
      await (await engine(request.params.session)).setChatLabels(toChatId(request.params.chatId), request.body.labels.map((label) => label.id));
      return { success: true };
    },
  );
  app.get<{ Params: Static<typeof LabelParams> }>(
    '/api/:session/labels/:labelId/chats',
    { schema: { tags, summary: 'Chats carrying a label', params: LabelParams, response: { 200: Type.Array(Type.Object({ id: Type.String() })), ...errors } } },
    async (request) => (await (await engine(request.params.session)).labelChats(request.params.labelId)).map((id) => ({ id })),
  );
};
