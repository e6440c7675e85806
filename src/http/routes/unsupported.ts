// Catalog endpoints zapd serves but cannot honour yet. Each answers 501 with the reason, after the
// usual checks (API key, known session), so clients get a clear, stable error instead of a 404.
import type { RoutePlugin } from '../deps.ts';
import { errorBody } from '../plugins/errors.ts';
import { ErrorResponse } from '../schemas/common.ts';

const SEARCH = 'channel search is not implemented: Baileys 7.0.0-rc14 has no search verbs';

const UNSUPPORTED: Array<{ tag: string; method: 'GET' | 'POST' | 'PUT' | 'DELETE'; url: string; reason: string }> = [
  ...['by-view', 'by-text'].map((by) => ({ tag: '📢 Channels', method: 'POST' as const, url: `/api/:session/channels/search/${by}`, reason: SEARCH })),
  ...['views', 'countries', 'categories'].map((list) => ({ tag: '📢 Channels', method: 'GET' as const, url: `/api/:session/channels/search/${list}`, reason: SEARCH })),
];

export const unsupportedRoutes: RoutePlugin = async (app, { sessions }) => {
  for (const { tag, method, url, reason } of UNSUPPORTED) {
    app.route<{ Params: { session: string } }>({
      method,
      url,
      schema: { tags: [tag], summary: `Not supported yet (501): ${reason}`, response: { 401: ErrorResponse, 404: ErrorResponse, 501: ErrorResponse } },
      handler: async (request, reply) => {
        await sessions.get(request.params.session);
        return reply.code(501).send(errorBody(501, reason));
      },
    });
  }
};
