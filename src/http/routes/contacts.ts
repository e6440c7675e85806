import { Type, type Static } from '@sinclair/typebox';
import { badRequest } from '../../errors.ts';
import type { RoutePlugin } from '../deps.ts';
import { isGroupId, toChatId } from '../dialect.ts';
import { SessionField } from '../schemas/chatting.ts';
import { ErrorResponse } from '../schemas/common.ts';

const tags = ['👤 Contacts'];
const errors = { 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse, 422: ErrorResponse };

/** Wappfy's page names it `jid` (folded into `chatId`); WAHA's OpenAPI names it `contactId`. */
const BlockBody = Type.Object({
  session: Type.Optional(SessionField),
  contactId: Type.Optional(Type.String({ minLength: 3, description: '123@c.us or a bare number (Wappfy: jid, 123@s.whatsapp.net)' })),
  chatId: Type.Optional(Type.String({ minLength: 3, description: 'Same as contactId (Wappfy sends it as jid)' })),
});
const BlockResult = Type.Object({ success: Type.Boolean(), message: Type.String() });
const SessionQuery = Type.Object({ session: Type.Optional(SessionField) });

function contactOf(body: Static<typeof BlockBody>): string {
  const raw = body.contactId ?? body.chatId;
  if (!raw) throw badRequest('contactId (or jid) is required');
  const chatId = toChatId(raw);
  if (isGroupId(chatId) || !chatId.endsWith('@c.us')) throw badRequest(`'${raw}' is not a contact: only people can be blocked`);
  return chatId;
}

export const contactRoutes: RoutePlugin = async (app, { sessions }) => {
  for (const [action, done] of [
    ['block', 'Contact blocked successfully'],
    ['unblock', 'Contact unblocked successfully'],
  ] as const) {
    app.post<{ Body: Static<typeof BlockBody> }>(
      `/api/contacts/${action}`,
      { schema: { tags, summary: `${action === 'block' ? 'Block' : 'Unblock'} a contact`, body: BlockBody, response: { 200: BlockResult, ...errors } } },
      async (request, reply) => {
        const chatId = contactOf(request.body);
        const engine = await sessions.workingEngine(request.body.session ?? 'default');
        if (action === 'block') await engine.block(chatId);
        else await engine.unblock(chatId);
        return reply.code(200).send({ success: true, message: done });
      },
    );
  }

  app.get<{ Querystring: Static<typeof SessionQuery> }>(
    '/api/contacts/blocklist',
    { schema: { tags, summary: 'Contacts this account has blocked (zapd)', querystring: SessionQuery, response: { 200: Type.Object({ blocked: Type.Array(Type.String()) }), ...errors } } },
    async (request) => {
      const engine = await sessions.workingEngine(request.query.session ?? 'default');
      return { blocked: await engine.blocklist() };
    },
  );
};
