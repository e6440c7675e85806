// WAHA's Media tag: convert a file to what WhatsApp plays inline (OGG/Opus voice, H.264/AAC MP4),
// with the same ffmpeg path `convert: true` uses on sendVoice/sendVideo. The answer is the file
// itself, or `{mimetype, data}` base64 to a client that accepts only JSON (as WAHA answers).
import { Type, type Static } from '@sinclair/typebox';
import type { OutgoingFile } from '../../engine/types.ts';
import { sessionMedia } from '../../media/session-media.ts';
import { toMp4Video, toVoiceNote } from '../../media/transcode.ts';
import type { RoutePlugin } from '../deps.ts';
import { ErrorResponse } from '../schemas/common.ts';
import { SessionName } from '../schemas/sessions.ts';

const tags = ['🖼️ Media'];
const errors = { 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse, 413: ErrorResponse, 422: ErrorResponse, 501: ErrorResponse };
const SessionParams = Type.Object({ session: SessionName });
const Source = Type.Object({
  url: Type.Optional(Type.String({ minLength: 1, description: 'Where to download the file' })),
  data: Type.Optional(Type.String({ minLength: 1, description: 'The file as base64 (a data: URL is accepted too)' })),
});
const Base64File = Type.Object({ mimetype: Type.String(), data: Type.String({ description: 'base64' }) });

export const mediaRoutes: RoutePlugin = async (app, { sessions, config }) => {
  for (const [kind, convert, fallbackMimetype] of [
    ['voice', toVoiceNote, 'audio/mpeg'],
    ['video', toMp4Video, 'video/mp4'],
  ] as const) {
    app.post<{ Params: Static<typeof SessionParams>; Body: Static<typeof Source> }>(
      `/api/:session/media/convert/${kind}`,
      {
        schema: {
          tags,
          summary: kind === 'voice' ? 'Convert audio to a WhatsApp voice note (OGG/Opus)' : 'Convert a video to what WhatsApp plays inline (MP4, H.264/AAC)',
          params: SessionParams,
          body: Source,
          produces: [kind === 'voice' ? 'audio/ogg; codecs=opus' : 'video/mp4', 'application/json'],
          response: { 201: Type.Union([Base64File, Type.Unknown({ description: 'The converted file' })]), ...errors },
        },
      },
      async (request, reply) => {
        await sessions.get(request.params.session);
        // A url is fetched the way the session fetches: through its proxy, if it has one.
        const source = await sessionMedia(config, await sessions.proxyOf(request.params.session)).file(request.body, fallbackMimetype);
        const converted: OutgoingFile = await convert(source);
        const accept = request.headers.accept ?? '';
        if (accept.includes('application/json') && !accept.includes(kind === 'voice' ? 'audio/' : 'video/')) {
          return reply.code(201).send({ mimetype: converted.mimetype, data: converted.data.toString('base64') });
        }
        return reply.code(201).type(converted.mimetype).send(converted.data);
      },
    );
  }
};
