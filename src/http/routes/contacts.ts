import { Type, type Static } from '@sinclair/typebox';
import { badRequest } from '../../errors.ts';
import { ContactRepository } from '../../store/contacts.ts';
import { readPaged, requestedLimit } from '../paging.ts';
import type { RoutePlugin } from '../deps.ts';
import { isGroupId, toChatId } from '../dialect.ts';
import { SessionField } from '../schemas/chatting.ts';
import { ErrorResponse } from '../schemas/common.ts';
import { SessionName } from '../schemas/sessions.ts';

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

const ContactSchema = Type.Object({ id: Type.String(), name: Type.Union([Type.String(), Type.Null()]), pushname: Type.Union([Type.String(), Type.Null()]) });

export const contactRoutes: RoutePlugin = async (app, { sessions, store }) => {
  const contacts = new ContactRepository(store.db);
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

  const ContactQuery = Type.Object({ session: Type.Optional(SessionField), contactId: Type.String({ minLength: 3 }) });
  app.get<{ Querystring: Static<typeof SessionQuery> & { phone: string } }>(
    '/api/contacts/check-exists',
    { schema: { tags, summary: 'Whether a phone number has WhatsApp', querystring: Type.Composite([SessionQuery, Type.Object({ phone: Type.String({ minLength: 3 }) })]), response: { 200: Type.Object({ numberExists: Type.Boolean(), chatId: Type.Union([Type.String(), Type.Null()]) }), ...errors } } },
    async (request) => (await sessions.workingEngine(request.query.session ?? 'default')).checkNumber(request.query.phone),
  );
  app.get<{ Querystring: Static<typeof ContactQuery> }>(
    '/api/contacts/about',
    { schema: { tags, summary: "A contact's about text", querystring: ContactQuery, response: { 200: Type.Object({ about: Type.Union([Type.String(), Type.Null()]) }), ...errors } } },
    async (request) => ({ about: await (await sessions.workingEngine(request.query.session ?? 'default')).about(toChatId(request.query.contactId)) }),
  );
  app.get<{ Querystring: Static<typeof ContactQuery> & { refresh?: boolean } }>(
    '/api/contacts/profile-picture',
    { schema: { tags, summary: "A contact's profile picture URL", querystring: Type.Composite([ContactQuery, Type.Object({ refresh: Type.Optional(Type.Boolean()) })]), response: { 200: Type.Object({ profilePictureURL: Type.Union([Type.String(), Type.Null()]) }), ...errors } } },
    async (request) => ({ profilePictureURL: await (await sessions.workingEngine(request.query.session ?? 'default')).pictureUrl(toChatId(request.query.contactId)) }),
  );
  app.get<{ Querystring: Static<typeof ContactQuery> }>(
    '/api/contacts',
    { schema: { tags, summary: 'One contact', querystring: ContactQuery, response: { 200: ContactSchema, ...errors } } },
    async (request) => {
      const session = request.query.session ?? 'default';
      const id = toChatId(request.query.contactId);
      await sessions.workingEngine(session);
      const stored = await contacts.get(session, id);
      return stored ?? { id, name: null, pushname: null };
    },
  );
  app.get<{ Querystring: Static<typeof SessionQuery> & { limit?: number; offset?: number } }>(
    '/api/contacts/all',
    { schema: { tags, summary: 'Every contact this session has heard from', querystring: Type.Composite([SessionQuery, Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 0, description: 'Absent or 0: every contact, as in WAHA' })), offset: Type.Optional(Type.Integer({ minimum: 0 })) })]), response: { 200: Type.Array(ContactSchema), ...errors } } },
    async (request) => {
      const session = request.query.session ?? 'default';
      await sessions.get(session);
      return readPaged((limit, offset) => contacts.list(session, limit, offset), requestedLimit(request.query.limit, 'all'), request.query.offset ?? 0);
    },
  );

  const SaveParams = Type.Object({ session: SessionName, chatId: Type.String({ minLength: 3 }) });
  const SaveBody = Type.Object({ firstName: Type.String({ minLength: 1, maxLength: 100 }), lastName: Type.Optional(Type.String({ maxLength: 100 })) });
  app.put<{ Params: Static<typeof SaveParams>; Body: Static<typeof SaveBody> }>(
    '/api/:session/contacts/:chatId',
    { schema: { tags, summary: "Save or rename a contact in the account's address book", params: SaveParams, body: SaveBody, response: { 200: Type.Object({ success: Type.Boolean() }), ...errors } } },
    async (request) => {
      const chatId = toChatId(request.params.chatId);
      if (!chatId.endsWith('@c.us')) throw badRequest(`'${request.params.chatId}' is not a person`);
      await (await sessions.workingEngine(request.params.session)).saveContact(chatId, request.body);
      return { success: true };
    },
  );

  const ContactParams = Type.Object({ session: SessionName, chatId: Type.String({ minLength: 3, description: 'Contact id, e.g. 123@c.us' }) });
  app.get<{ Params: Static<typeof ContactParams> }>(
    '/api/:session/contacts/:chatId',
    { schema: { tags, summary: 'One contact (answered even for numbers not on WhatsApp)', params: ContactParams, response: { 200: ContactSchema, ...errors } } },
    async (request) => {
      const id = toChatId(request.params.chatId);
      await sessions.workingEngine(request.params.session);
      return (await contacts.get(request.params.session, id)) ?? { id, name: null, pushname: null };
    },
  );

  app.get<{ Querystring: Static<typeof SessionQuery> }>(
    '/api/contacts/blocklist',
    { schema: { tags, summary: 'Contacts this account has blocked (zapd)', querystring: SessionQuery, response: { 200: Type.Object({ blocked: Type.Array(Type.String()) }), ...errors } } },
    async (request) => {
      const engine = await sessions.workingEngine(request.query.session ?? 'default');
      return { blocked: await engine.blocklist() };
    },
  );
};

const LidParams = Type.Object({ session: SessionName, lid: Type.String({ minLength: 3 }) });
const PnParams = Type.Object({ session: SessionName, phoneNumber: Type.String({ minLength: 3 }) });
const Mapping = Type.Object({ lid: Type.Union([Type.String(), Type.Null()]), pn: Type.Union([Type.String(), Type.Null()]) });

/** Phone number ↔ LID (WhatsApp's privacy id) lookups. */
export const lidRoutes: RoutePlugin = async (app, { sessions }) => {
  const lidTags = ['🆔 LIDs'];
  const SessionParams = Type.Object({ session: SessionName });
  app.get<{ Params: Static<typeof SessionParams> }>(
    '/api/:session/lids',
    { schema: { tags: lidTags, summary: 'Every phone ↔ LID pair this session knows', params: SessionParams, response: { 200: Type.Array(Mapping), ...errors } } },
    async (request) => (await sessions.workingEngine(request.params.session)).lids(),
  );
  app.get<{ Params: Static<typeof SessionParams> }>(
    '/api/:session/lids/count',
    { schema: { tags: lidTags, summary: 'How many phone ↔ LID pairs this session knows', params: SessionParams, response: { 200: Type.Object({ count: Type.Integer() }), ...errors } } },
    async (request) => ({ count: (await (await sessions.workingEngine(request.params.session)).lids()).length }),
  );
  app.get<{ Params: Static<typeof LidParams> }>(
    '/api/:session/lids/:lid',
    { schema: { tags: lidTags, summary: 'Phone number for a LID', params: LidParams, response: { 200: Mapping, ...errors } } },
    async (request) => {
      const lid = request.params.lid.includes('@') ? request.params.lid : `${request.params.lid}@lid`;
      if (!/^\d+@lid$/.test(lid)) throw badRequest(`'${request.params.lid}' is not a LID`);
      return { lid, pn: await (await sessions.workingEngine(request.params.session)).phoneForLid(lid) };
    },
  );
  app.get<{ Params: Static<typeof PnParams> }>(
    '/api/:session/lids/pn/:phoneNumber',
    { schema: { tags: lidTags, summary: 'LID for a phone number', params: PnParams, response: { 200: Mapping, ...errors } } },
    async (request) => {
      const pn = toChatId(request.params.phoneNumber);
      return { lid: await (await sessions.workingEngine(request.params.session)).lidForPhone(pn), pn };
    },
  );
};
