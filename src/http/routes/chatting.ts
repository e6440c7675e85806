import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { badRequest, notImplemented, unprocessable } from '../../errors.ts';
import { MENTION_ALL, type Engine, type OutgoingContent, type OutgoingFile, type SendOptions } from '../../engine/types.ts';
import { previewImagesOf } from '../../media/link-preview.ts';
import { sessionMedia, type SessionMedia } from '../../media/session-media.ts';
import { ThumbnailError } from '../../media/thumbnail.ts';
import { toMp4Video, toVoiceNote } from '../../media/transcode.ts';
import { readWholeChat } from '../../sessions/read-chat.ts';
import { MessageRepository } from '../../store/messages.ts';
import type { RoutePlugin } from '../deps.ts';
import { toChatId } from '../dialect.ts';
import { ErrorResponse } from '../schemas/common.ts';
import * as S from '../schemas/chatting.ts';
import { SentMessageSchema } from '../schemas/messages.ts';
import { SessionName } from '../schemas/sessions.ts';

const tags = ['📤 Chatting'];
const errors = { 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse, 422: ErrorResponse, 501: ErrorResponse };
const Ok = Type.Object({ success: Type.Boolean() }, { additionalProperties: true });

interface ChatRequest {
  session?: string;
  chatId: string;
  reply_to?: string | null;
  mentions?: string[] | null;
}

function sendOptions(body: ChatRequest): SendOptions {
  return {
    ...(body.reply_to ? { replyTo: body.reply_to } : {}),
    // 'all' (WAHA) stands for every member of the group; the engine expands it.
    ...(body.mentions?.length ? { mentions: body.mentions.map((mention) => (mention.trim().toLowerCase() === 'all' ? MENTION_ALL : toChatId(mention))) } : {}),
  };
}

function vcardOf(contact: Static<typeof S.VcardContact>): { displayName: string; vcard: string } {
  if (contact.vcard) {
    const name = /\nFN[^:]*:(.+)/.exec(contact.vcard)?.[1]?.trim() ?? 'Contact';
    return { displayName: name, vcard: contact.vcard };
  }
  if (!('fullName' in contact)) throw badRequest('each contact needs vcard or fullName + phoneNumber');
  const waid = (contact.whatsappId ?? contact.phoneNumber).replace(/\D/g, '');
  const lines = ['BEGIN:VCARD', 'VERSION:3.0', `FN:${contact.fullName}`];
  if (contact.organization) lines.push(`ORG:${contact.organization};`);
  lines.push(`TEL;type=CELL;type=VOICE;waid=${waid}:${contact.phoneNumber}`, 'END:VCARD');
  return { displayName: contact.fullName, vcard: lines.join('\n') };
}

export const chattingRoutes: RoutePlugin = async (app, deps) => {
  const { sessions, config } = deps;
  const messages = new MessageRepository(deps.store.db);
  const engineFor = (body: { session?: string }): Promise<Engine> => sessions.workingEngine(body.session ?? 'default');
  /** The session's file.url and link-preview fetches, through its proxy when it has one. */
  const mediaFor = async (body: { session?: string }): Promise<SessionMedia> => sessionMedia(config, await sessions.proxyOf(body.session ?? 'default'));

  /** Registers a POST that builds content from the body and sends it, answering 201 with the message. */
  function sender<T extends TSchema>(path: string, summary: string, body: T, build: (body: Static<T>, media: SessionMedia) => Promise<OutgoingContent> | OutgoingContent, extra: { deprecated?: boolean } = {}) {
    app.post<{ Body: Static<T> }>(
      path,
      { schema: { tags, summary, body, response: { 201: SentMessageSchema, ...errors }, ...extra } },
      async (request, reply) => {
        const requestBody = request.body as Static<T> & ChatRequest;
        const engine = await engineFor(requestBody);
        const content = await build(request.body, await mediaFor(requestBody));
        const sent = await engine.send(toChatId(requestBody.chatId), content, sendOptions(requestBody));
        return reply.code(201).send(sent);
      },
    );
  }

  // The first link gets a preview unless linkPreview is false; linkPreviewHighQuality uploads its image whole.
  const textWithPreview = async (body: Static<typeof S.SendTextBody>, media: SessionMedia): Promise<OutgoingContent> => {
    const preview = body.linkPreview === false ? undefined : await media.linkPreview(body.text, { highQuality: body.linkPreviewHighQuality === true });
    return preview ? { kind: 'linkPreview', text: body.text, preview } : { kind: 'text', text: body.text };
  };
  sender('/api/sendText', 'Send a text message; its first link gets a preview unless linkPreview is false', S.SendTextBody, textWithPreview);
  sender('/api/reply', 'Reply to a message (use sendText with reply_to)', S.SendTextBody, textWithPreview, { deprecated: true });
  sender('/api/sendImage', 'Send an image', S.SendImageBody, async (body, media) => ({
    kind: 'image',
    file: await media.file(body.file, 'image/jpeg'),
    ...(body.caption ? { caption: body.caption } : {}),
  }));
  sender('/api/sendFile', 'Send a file as a document', S.SendFileBody, async (body, media) => ({
    kind: 'file',
    file: await media.file(body.file, 'application/octet-stream'),
    ...(body.caption ? { caption: body.caption } : {}),
  }));
  sender('/api/sendVoice', 'Send a voice note (OGG/Opus; convert: true transcodes any audio)', S.SendVoiceBody, async (body, media) => {
    const audio = await media.file(body.file, 'audio/ogg; codecs=opus');
    return { kind: 'voice', file: body.convert ? await toVoiceNote(audio) : audio };
  });
  sender('/api/sendVideo', 'Send a video (convert: true transcodes to MP4; asNote sends a round video note)', S.SendVideoBody, async (body, media) => {
    const video = await media.file(body.file, 'video/mp4');
    return { kind: 'video', file: body.convert ? await toMp4Video(video) : video, ...(body.caption ? { caption: body.caption } : {}), ...(body.asNote ? { asNote: true } : {}) };
  });
  sender('/api/sendLocation', 'Send a location', S.SendLocationBody, (body) => ({
    kind: 'location',
    latitude: body.latitude,
    longitude: body.longitude,
    ...(body.title ? { title: body.title } : {}),
    ...(body.address ? { address: body.address } : {}),
    ...(body.url ? { url: body.url } : {}),
  }));
  sender('/api/sendContactVcard', 'Send one or more contact cards', S.SendContactVcardBody, (body) => ({ kind: 'contacts', contacts: body.contacts.map(vcardOf) }));
  sender('/api/sendPoll', 'Send a poll; votes arrive as poll.vote events', S.SendPollBody, (body) => ({
    kind: 'poll',
    name: body.poll.name,
    options: body.poll.options,
    multipleAnswers: body.poll.multipleAnswers ?? false,
  }));
  sender('/api/sendLinkPreview', 'Send a link with its preview', S.SendLinkPreviewBody, (body) => ({
    kind: 'linkPreview',
    text: body.url,
    preview: { url: body.url, title: body.title },
  }), { deprecated: true });
  const customPreviewImages = (file: OutgoingFile, highQuality: boolean) =>
    previewImagesOf(file, highQuality).catch((error: unknown) => {
      if (error instanceof ThumbnailError) throw unprocessable(`preview.image: ${error.message}`);
      throw error;
    });
  sender('/api/send/link-custom-preview', 'Send text with a preview you describe', S.SendLinkCustomPreviewBody, async (body, media) => ({
    kind: 'linkPreview',
    text: body.text,
    preview: {
      url: body.preview.url,
      title: body.preview.title,
      ...(body.preview.description ? { description: body.preview.description } : {}),
      // Resized to the inline thumbnail like generated previews; the whole image too with linkPreviewHighQuality.
      ...(body.preview.image ? await customPreviewImages(await media.file(body.preview.image, 'image/jpeg'), body.linkPreviewHighQuality === true) : {}),
    },
  }));

  app.get<{ Querystring: Static<typeof S.SendTextQuery> }>(
    '/api/sendText',
    { schema: { tags, deprecated: true, summary: 'Send a text message (query parameters)', querystring: S.SendTextQuery, response: { 200: SentMessageSchema, ...errors } } },
    async (request) => {
      const engine = await engineFor(request.query);
      return engine.send(toChatId(request.query.phone), { kind: 'text', text: request.query.text });
    },
  );

  app.post<{ Body: Static<typeof S.ForwardBody> }>(
    '/api/forwardMessage',
    { schema: { tags, summary: 'Forward a message to a chat', body: S.ForwardBody, response: { 201: SentMessageSchema, ...errors } } },
    async (request, reply) => {
      const engine = await engineFor(request.body);
      return reply.code(201).send(await engine.forward(toChatId(request.body.chatId), request.body.messageId));
    },
  );

  app.post<{ Body: Static<typeof S.SendPollVoteBody> }>(
    '/api/sendPollVote',
    { schema: { tags, summary: 'Vote in a poll', body: S.SendPollVoteBody, response: { 201: SentMessageSchema, ...errors } } },
    async (request, reply) => {
      const engine = await engineFor(request.body);
      return reply.code(201).send(await engine.votePoll(toChatId(request.body.chatId), request.body.pollMessageId, request.body.votes));
    },
  );

  app.post<{ Body: Static<typeof S.SendSeenBody> }>(
    '/api/sendSeen',
    { schema: { tags, summary: 'Mark messages as read (blue ticks)', body: S.SendSeenBody, response: { 201: Ok, ...errors } } },
    async (request, reply) => {
      const engine = await engineFor(request.body);
      const chatId = toChatId(request.body.chatId);
      const participant = request.body.participant ? toChatId(request.body.participant) : undefined;
      const ids = [...(request.body.messageIds ?? []), ...(request.body.messageId ? [request.body.messageId] : [])];
      // WAHA: a chatId alone marks the whole chat read.
      if (ids.length === 0) await readWholeChat(engine, messages, request.body.session ?? 'default', chatId, participant);
      else await engine.markRead(chatId, ids, participant);
      return reply.code(201).send({ success: true });
    },
  );

  for (const [path, state, summary] of [
    ['/api/startTyping', 'composing', 'Show "typing…" in the chat'],
    ['/api/stopTyping', 'paused', 'Stop showing "typing…"'],
  ] as const) {
    app.post<{ Body: Static<typeof S.TypingBody> }>(path, { schema: { tags, summary, body: S.TypingBody, response: { 201: Ok, ...errors } } }, async (request, reply) => {
      const engine = await engineFor(request.body);
      await engine.setChatState(toChatId(request.body.chatId), state);
      return reply.code(201).send({ success: true });
    });
  }

  app.put<{ Body: Static<typeof S.ReactionBody> }>(
    '/api/reaction',
    { schema: { tags, summary: 'React to a message (empty reaction removes it)', body: S.ReactionBody, response: { 200: Ok, ...errors } } },
    async (request) => {
      const engine = await engineFor(request.body);
      await engine.react(request.body.messageId, request.body.reaction);
      return { success: true };
    },
  );

  app.put<{ Body: Static<typeof S.StarBody> }>(
    '/api/star',
    { schema: { tags, summary: 'Star or unstar a message', body: S.StarBody, response: { 200: Ok, ...errors } } },
    async (request) => {
      const engine = await engineFor(request.body);
      await engine.star(toChatId(request.body.chatId), request.body.messageId, request.body.star);
      return { success: true };
    },
  );

  app.get<{ Querystring: Static<typeof S.CheckNumberQuery> }>(
    '/api/checkNumberStatus',
    { schema: { tags, deprecated: true, summary: 'Whether a phone number has WhatsApp', querystring: S.CheckNumberQuery, response: { 200: S.NumberStatus, ...errors } } },
    async (request) => (await engineFor(request.query)).checkNumber(request.query.phone),
  );

  const SessionParams = Type.Object({ session: SessionName });
  app.get<{ Params: Static<typeof SessionParams> }>(
    '/api/:session/new-message-id',
    { schema: { tags, summary: 'A fresh message id, to send a message with a known id', params: SessionParams, response: { 200: Type.Object({ id: Type.String() }), ...errors } } },
    async (request) => ({ id: (await sessions.workingEngine(request.params.session)).newMessageId() }),
  );

  for (const path of ['/api/sendButtons', '/api/sendList', '/api/send/buttons/reply']) {
    app.post<{ Body: { session?: string } | undefined; Querystring: { session?: string } }>(
      path,
      { schema: { tags, deprecated: true, summary: 'Interactive buttons/lists (not delivered by WhatsApp to regular accounts)', response: errors } },
      async (request) => {
        await sessions.get(request.body?.session ?? request.query.session ?? 'default');
        throw notImplemented(`${path}: WhatsApp no longer delivers interactive buttons or lists sent from linked devices of regular accounts, so zapd does not send them`);
      },
    );
  }
};
