import { Type, type Static, type TSchema } from '@sinclair/typebox';
import type { OutgoingContent } from '../../engine/types.ts';
import { sessionMedia, type SessionMedia } from '../../media/session-media.ts';
import { ContactRepository } from '../../store/contacts.ts';
import type { RoutePlugin } from '../deps.ts';
import { toChatId } from '../dialect.ts';
import { FileSchema } from '../schemas/chatting.ts';
import { ErrorResponse } from '../schemas/common.ts';
import { SentMessageSchema } from '../schemas/messages.ts';
import { SessionName } from '../schemas/sessions.ts';

const tags = ['🟢 Status'];
const errors = { 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse, 422: ErrorResponse };
const SessionParams = Type.Object({ session: SessionName });
const Contacts = Type.Optional(Type.Union([Type.Array(Type.String({ minLength: 3 })), Type.Null()], { description: 'Who may see it; default: every known contact' }));
const Style = { backgroundColor: Type.Optional(Type.String({ pattern: '^#[0-9a-fA-F]{6}$' })), font: Type.Optional(Type.Integer({ minimum: 0, maximum: 10 })) };

export const statusRoutes: RoutePlugin = async (app, { sessions, store, config }) => {
  const contacts = new ContactRepository(store.db);
  const audience = async (session: string, given: string[] | null | undefined) =>
    given?.length ? given.map(toChatId) : (await contacts.list(session, 10_000, 0)).map((contact) => contact.id);

  function poster<T extends TSchema>(kind: string, summary: string, body: T, build: (body: Static<T>, media: SessionMedia) => Promise<OutgoingContent> | OutgoingContent) {
    app.post<{ Params: Static<typeof SessionParams>; Body: Static<T> }>(
      `/api/:session/status/${kind}`,
      { schema: { tags, summary, params: SessionParams, body, response: { 201: SentMessageSchema, ...errors } } },
      async (request, reply) => {
        const values = request.body as Static<T> & { contacts?: string[] | null; backgroundColor?: string; font?: number };
        const engine = await sessions.workingEngine(request.params.session);
        const content = await build(request.body, sessionMedia(config, await sessions.proxyOf(request.params.session)));
        const style = { ...(values.backgroundColor ? { backgroundColor: values.backgroundColor } : {}), ...(values.font !== undefined ? { font: values.font } : {}) };
        return reply.code(201).send(await engine.sendStatus(content, await audience(request.params.session, values.contacts), style));
      },
    );
  }

  poster('text', 'Post a text status', Type.Object({ text: Type.String({ minLength: 1, maxLength: 700 }), contacts: Contacts, ...Style }), (body) => ({ kind: 'text', text: body.text }));
  poster('image', 'Post an image status', Type.Object({ file: FileSchema, caption: Type.Optional(Type.String()), contacts: Contacts }), async (body, media) => ({
    kind: 'image',
    file: await media.file(body.file, 'image/jpeg'),
    ...(body.caption ? { caption: body.caption } : {}),
  }));
  poster('voice', 'Post a voice status', Type.Object({ file: FileSchema, contacts: Contacts, ...Style }), async (body, media) => ({ kind: 'voice', file: await media.file(body.file, 'audio/ogg; codecs=opus') }));
  poster('video', 'Post a video status', Type.Object({ file: FileSchema, caption: Type.Optional(Type.String()), contacts: Contacts }), async (body, media) => ({
    kind: 'video',
    file: await media.file(body.file, 'video/mp4'),
    ...(body.caption ? { caption: body.caption } : {}),
  }));

  const DeleteBody = Type.Object({ id: Type.String({ minLength: 1 }), contacts: Contacts });
  app.post<{ Params: Static<typeof SessionParams>; Body: Static<typeof DeleteBody> }>(
    '/api/:session/status/delete',
    { schema: { tags, summary: 'Delete a status you posted', params: SessionParams, body: DeleteBody, response: { 201: Type.Object({ success: Type.Boolean() }), ...errors } } },
    async (request, reply) => {
      const engine = await sessions.workingEngine(request.params.session);
      await engine.deleteStatus(request.body.id, await audience(request.params.session, request.body.contacts));
      return reply.code(201).send({ success: true });
    },
  );
  app.get<{ Params: Static<typeof SessionParams> }>(
    '/api/:session/status/new-message-id',
    { schema: { tags, summary: 'A fresh message id to post a status with', params: SessionParams, response: { 200: Type.Object({ id: Type.String() }), ...errors } } },
    async (request) => ({ id: (await sessions.workingEngine(request.params.session)).newMessageId() }),
  );
};
