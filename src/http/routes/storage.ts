import { Type, type Static } from '@sinclair/typebox';
import { notFound } from '../../errors.ts';
import { contentTypeFor } from '../../media/mimetypes.ts';
import type { RoutePlugin } from '../deps.ts';
import { ErrorResponse } from '../schemas/common.ts';
import { SessionName } from '../schemas/sessions.ts';

const tags = ['🗄️ Storage'];
const FileParams = Type.Object({ session: SessionName, filename: Type.String({ minLength: 1, maxLength: 200 }) });

/** Media files of received messages (the `media.url` of message payloads). */
export const storageRoutes: RoutePlugin = async (app, { mediaStorage }) => {
  app.get<{ Params: Static<typeof FileParams> }>(
    '/api/files/:session/:filename',
    { schema: { tags, summary: 'Download a media file of a message', params: FileParams, response: { 200: Type.Unknown({ description: 'the file' }), 401: ErrorResponse, 404: ErrorResponse } } },
    async (request, reply) => {
      const data = await mediaStorage.read(request.params.session, request.params.filename);
      if (!data) throw notFound(`File '${request.params.filename}' not found`);
      return reply.type(contentTypeFor(request.params.filename)).send(data);
    },
  );

  app.delete<{ Params: Static<typeof FileParams> }>(
    '/api/files/:session/:filename',
    { schema: { tags, summary: 'Delete a media file', params: FileParams, response: { 200: Type.Object({ success: Type.Boolean() }), 401: ErrorResponse, 404: ErrorResponse } } },
    async (request) => {
      if (!(await mediaStorage.delete(request.params.session, request.params.filename))) throw notFound(`File '${request.params.filename}' not found`);
      return { success: true };
    },
  );
};
