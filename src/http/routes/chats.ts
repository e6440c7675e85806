import { Type, type Static } from '@sinclair/typebox';
import { notFound } from '../../errors.ts';
import type { Engine } from '../../engine/types.ts';
import { MessageRepository } from '../../store/messages.ts';
import { readWholeChat } from '../../sessions/read-chat.ts';
import { mapBounded, PAGE_ROWS, readPaged, requestedLimit } from '../paging.ts';
import { sessionMedia } from '../../media/session-media.ts';
import type { RoutePlugin } from '../deps.ts';
import { toChatId } from '../dialect.ts';
import { EditBody, MessageIdField } from '../schemas/chatting.ts';
import { ErrorResponse } from '../schemas/common.ts';
import { MessageSchema, SentMessageSchema } from '../schemas/messages.ts';
import { SessionName } from '../schemas/sessions.ts';

const tags = ['💬 Chats'];
const errors = { 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse, 422: ErrorResponse };
const MessageParams = Type.Object({ session: SessionName, chatId: Type.String({ minLength: 3 }), messageId: MessageIdField });
type MessageParamsType = Static<typeof MessageParams>;

const ChatParams = Type.Object({ session: SessionName, chatId: Type.String({ minLength: 3 }) });
type ChatParamsType = Static<typeof ChatParams>;
const MessagesQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 0, default: 100, description: '0: every message (read in pages of 1,000)' })),
  offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
  downloadMedia: Type.Optional(Type.Boolean({ default: true })),
  'filter.timestamp.gte': Type.Optional(Type.Integer({ minimum: 0 })),
  'filter.timestamp.lte': Type.Optional(Type.Integer({ minimum: 0 })),
  'filter.fromMe': Type.Optional(Type.Boolean()),
});
type MessagesQueryType = Static<typeof MessagesQuery>;
const LegacyMessagesQuery = Type.Composite([Type.Object({ session: Type.Optional(SessionName), chatId: Type.String({ minLength: 3 }) }), MessagesQuery]);
const ChatsQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 0, description: 'Absent or 0: every chat, as in WAHA (read in pages of 1,000)' })),
  offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
  sortBy: Type.Optional(Type.Union([Type.Literal('conversationTimestamp'), Type.Literal('id'), Type.Literal('name')], { default: 'conversationTimestamp' })),
  sortOrder: Type.Optional(Type.Union([Type.Literal('desc'), Type.Literal('asc')], { default: 'desc' })),
});
const ChatSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.Union([Type.String(), Type.Null()]),
    conversationTimestamp: Type.Number(),
    unreadCount: Type.Integer(),
    archived: Type.Boolean(),
    pinned: Type.Boolean(),
  },
  { additionalProperties: true },
);
const Success = Type.Object({ success: Type.Boolean() });

export const chatRoutes: RoutePlugin = async (app, { sessions, store, config }) => {
  const messages = new MessageRepository(store.db);
  const known = async (session: string) => {
    await sessions.get(session);
  };
  // The stored payloads go out as they are (see MessageRepository.listJson); fastify sends a JSON
  // string unchanged, and the response schema still documents the shape.
  const history = async (session: string, chatId: string, query: MessagesQueryType): Promise<string> => {
    const filters = {
      ...(query['filter.fromMe'] !== undefined ? { fromMe: query['filter.fromMe'] } : {}),
      ...(query['filter.timestamp.gte'] !== undefined ? { timestampGte: query['filter.timestamp.gte'] } : {}),
      ...(query['filter.timestamp.lte'] !== undefined ? { timestampLte: query['filter.timestamp.lte'] } : {}),
    };
    const limit = requestedLimit(query.limit, 100);
    const offset = query.offset ?? 0;
    const parsedPages = () => readPaged((pageLimit, pageOffset) => messages.list(session, chatId, { limit: pageLimit, offset: pageOffset, ...filters }), limit, offset);
    // downloadMedia=false, as in WAHA: the messages say they have media (hasMedia) but carry none.
    if (query.downloadMedia === false) {
      return JSON.stringify((await parsedPages()).map((message) => ({ ...message, media: null })));
    }
    // One page goes out as the stored JSON; more (or all) are read a page at a time.
    if (limit !== 'all' && limit <= PAGE_ROWS) return messages.listJson(session, chatId, { limit, offset, ...filters });
    return JSON.stringify(await parsedPages());
  };

  app.get<{ Params: { session: string }; Querystring: Static<typeof ChatsQuery> }>(
    '/api/:session/chats',
    { schema: { tags, summary: 'Chats, most recent first (paged)', params: Type.Object({ session: SessionName }), querystring: ChatsQuery, response: { 200: Type.Array(ChatSchema), ...errors } } },
    async (request) => {
      await known(request.params.session);
      const order = { sortBy: request.query.sortBy ?? 'conversationTimestamp', sortOrder: request.query.sortOrder ?? 'desc' } as const;
      const chats = await readPaged((limit, offset) => messages.chats(request.params.session, { limit, offset, ...order }), requestedLimit(request.query.limit, 'all'), request.query.offset ?? 0);
      return chats.map((chat) => ({ id: chat.id, name: chat.name, conversationTimestamp: chat.lastMessageAt, unreadCount: chat.unreadCount, archived: chat.archived, pinned: chat.pinned }));
    },
  );

  app.get<{ Params: ChatParamsType; Querystring: MessagesQueryType }>(
    '/api/:session/chats/:chatId/messages',
    { schema: { tags, summary: 'Messages of a chat, newest first (paged, filterable)', params: ChatParams, querystring: MessagesQuery, response: { 200: Type.Array(MessageSchema), ...errors } } },
    async (request, reply) => {
      await known(request.params.session);
      return reply.type('application/json; charset=utf-8').send(await history(request.params.session, toChatId(request.params.chatId), request.query));
    },
  );

  app.get<{ Querystring: Static<typeof LegacyMessagesQuery> }>(
    '/api/messages',
    { schema: { tags: ['📤 Chatting'], deprecated: true, summary: 'Messages of a chat (use /api/{session}/chats/{chatId}/messages)', querystring: LegacyMessagesQuery, response: { 200: Type.Array(MessageSchema), ...errors } } },
    async (request, reply) => {
      const session = request.query.session ?? 'default';
      await known(session);
      return reply.type('application/json; charset=utf-8').send(await history(session, toChatId(request.query.chatId), request.query));
    },
  );

  app.get<{ Params: MessageParamsType }>(
    '/api/:session/chats/:chatId/messages/:messageId',
    { schema: { tags, summary: 'One message by id', params: MessageParams, response: { 200: MessageSchema, ...errors } } },
    async (request) => {
      await known(request.params.session);
      const message = await messages.get(request.params.session, toChatId(request.params.chatId), request.params.messageId);
      if (!message) throw notFound(`Message '${request.params.messageId}' not found in ${request.params.chatId}`);
      return message;
    },
  );

  app.delete<{ Params: ChatParamsType }>(
    '/api/:session/chats/:chatId/messages',
    { schema: { tags, summary: "Clear a chat's stored messages", params: ChatParams, response: { 200: Success, ...errors } } },
    async (request) => {
      await known(request.params.session);
      await messages.clearChat(request.params.session, toChatId(request.params.chatId));
      return { success: true };
    },
  );

  app.delete<{ Params: ChatParamsType }>(
    '/api/:session/chats/:chatId',
    { schema: { tags, summary: 'Delete a chat and its stored messages', params: ChatParams, response: { 200: Success, ...errors } } },
    async (request) => {
      await known(request.params.session);
      await messages.deleteChat(request.params.session, toChatId(request.params.chatId));
      return { success: true };
    },
  );

  app.post<{ Params: ChatParamsType }>(
    '/api/:session/chats/:chatId/messages/read',
    { schema: { tags, summary: 'Mark every unread message of the chat as read', params: ChatParams, response: { 201: Type.Object({ ids: Type.Array(Type.String()) }), ...errors } } },
    async (request, reply) => {
      const { session } = request.params;
      const chatId = toChatId(request.params.chatId);
      const unread = await readWholeChat(await sessions.workingEngine(session), messages, session, chatId);
      return reply.code(201).send({ ids: unread });
    },
  );

  const Overview = Type.Object({ id: Type.String(), name: Type.Union([Type.String(), Type.Null()]), picture: Type.Union([Type.String(), Type.Null()]), lastMessage: Type.Union([MessageSchema, Type.Null()]) });
  const overview = async (session: string, limit: number | 'all', offset: number, ids: string[] | undefined) => {
    await known(session);
    const engine = await sessions.workingEngine(session).catch(() => undefined);
    const newestFirst = { sortBy: 'conversationTimestamp', sortOrder: 'desc' } as const;
    const wanted = ids?.length ? new Set(ids) : undefined;
    // With ids, every stored chat is looked at (a page at a time), not only the newest thousand.
    const chats = wanted
      ? (await readPaged((pageLimit, pageOffset) => messages.chats(session, { limit: pageLimit, offset: pageOffset, ...newestFirst }), 'all', 0))
          .filter((chat) => wanted.has(chat.id))
          .slice(offset, limit === 'all' ? undefined : offset + limit)
      : await readPaged((pageLimit, pageOffset) => messages.chats(session, { limit: pageLimit, offset: pageOffset, ...newestFirst }), limit, offset);
    // A picture is a query to WhatsApp: a few at a time, so a long overview does not flood the connection.
    return mapBounded(chats, 8, async (chat) => ({
      id: chat.id,
      name: chat.name,
      picture: engine ? await engine.pictureUrl(chat.id) : null,
      lastMessage: (await messages.list(session, chat.id, { limit: 1, offset: 0 }))[0] ?? null,
    }));
  };
  const OverviewQuery = Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 0, default: 20, description: '0: every chat' })), offset: Type.Optional(Type.Integer({ minimum: 0 })), ids: Type.Optional(Type.Array(Type.String())) });
  app.get<{ Params: { session: string }; Querystring: Static<typeof OverviewQuery> }>(
    '/api/:session/chats/overview',
    { schema: { tags, summary: 'Chats with their last message and picture', params: Type.Object({ session: SessionName }), querystring: OverviewQuery, response: { 200: Type.Array(Overview), ...errors } } },
    async (request) => overview(request.params.session, requestedLimit(request.query.limit, 20), request.query.offset ?? 0, request.query.ids?.map(toChatId)),
  );
  const OverviewBody = Type.Object({
    pagination: Type.Optional(Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 0, description: '0: every chat' })), offset: Type.Optional(Type.Integer({ minimum: 0 })) })),
    filter: Type.Optional(Type.Object({ ids: Type.Optional(Type.Array(Type.String())) })),
  });
  app.post<{ Params: { session: string }; Body: Static<typeof OverviewBody> }>(
    '/api/:session/chats/overview',
    { schema: { tags, summary: 'Chats overview, filters in the body', params: Type.Object({ session: SessionName }), body: OverviewBody, response: { 201: Type.Array(Overview), ...errors } } },
    async (request, reply) =>
      reply.code(201).send(await overview(request.params.session, requestedLimit(request.body.pagination?.limit, 20), request.body.pagination?.offset ?? 0, request.body.filter?.ids?.map(toChatId))),
  );
  app.get<{ Params: ChatParamsType }>(
    '/api/:session/chats/:chatId/picture',
    { schema: { tags, summary: "The chat's picture URL", params: ChatParams, response: { 200: Type.Object({ url: Type.Union([Type.String(), Type.Null()]) }), ...errors } } },
    async (request) => ({ url: await (await sessions.workingEngine(request.params.session)).pictureUrl(toChatId(request.params.chatId)) }),
  );
  const PinBody = Type.Object({ duration: Type.Optional(Type.Union([Type.Literal(86400), Type.Literal(604800), Type.Literal(2592000)], { description: 'Seconds: 1, 7 or 30 days' })) });
  app.post<{ Params: MessageParamsType; Body: Static<typeof PinBody> | undefined }>(
    '/api/:session/chats/:chatId/messages/:messageId/pin',
    { schema: { tags, summary: 'Pin a message for everyone in the chat', params: MessageParams, body: Type.Optional(PinBody), response: { 201: Type.Object({ success: Type.Boolean() }), ...errors } } },
    async (request, reply) => {
      await (await sessions.workingEngine(request.params.session)).pin(toChatId(request.params.chatId), request.params.messageId, true, request.body?.duration);
      return reply.code(201).send({ success: true });
    },
  );
  app.post<{ Params: MessageParamsType }>(
    '/api/:session/chats/:chatId/messages/:messageId/unpin',
    { schema: { tags, summary: 'Unpin a message', params: MessageParams, response: { 201: Type.Object({ success: Type.Boolean() }), ...errors } } },
    async (request, reply) => {
      await (await sessions.workingEngine(request.params.session)).pin(toChatId(request.params.chatId), request.params.messageId, false);
      return reply.code(201).send({ success: true });
    },
  );

  for (const [action, summary, run] of [
    ['archive', 'Archive the chat', (engine: Engine, chatId: string) => engine.archive(chatId, true)],
    ['unarchive', 'Unarchive the chat', (engine: Engine, chatId: string) => engine.archive(chatId, false)],
    ['unread', 'Mark the chat as unread', (engine: Engine, chatId: string) => engine.markUnread(chatId)],
    ['pin', 'Pin the chat to the top of the list (zapd)', (engine: Engine, chatId: string) => engine.pinChat(chatId, true)],
    ['unpin', 'Unpin the chat (zapd)', (engine: Engine, chatId: string) => engine.pinChat(chatId, false)],
  ] as const) {
    app.post<{ Params: ChatParamsType }>(
      `/api/:session/chats/:chatId/${action}`,
      { schema: { tags, summary, params: ChatParams, response: { 201: Type.Object({ success: Type.Boolean() }), ...errors } } },
      async (request, reply) => {
        await run(await sessions.workingEngine(request.params.session), toChatId(request.params.chatId));
        return reply.code(201).send({ success: true });
      },
    );
  }

  app.put<{ Params: MessageParamsType; Body: Static<typeof EditBody> }>(
    '/api/:session/chats/:chatId/messages/:messageId',
    { schema: { tags, summary: 'Edit a message you sent', params: MessageParams, body: EditBody, response: { 200: SentMessageSchema, ...errors } } },
    async (request) => {
      const { session } = request.params;
      const engine = await sessions.workingEngine(session);
      const { text } = request.body;
      // As on sendText: the edited text's first link gets a preview unless linkPreview is false.
      const preview = request.body.linkPreview === false ? undefined : await sessionMedia(config, await sessions.proxyOf(session)).linkPreview(text, { highQuality: request.body.linkPreviewHighQuality === true });
      return engine.edit(toChatId(request.params.chatId), request.params.messageId, preview ? { kind: 'linkPreview', text, preview } : { kind: 'text', text });
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
