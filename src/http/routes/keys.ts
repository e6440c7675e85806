import { Type, type Static } from '@sinclair/typebox';
import type { RoutePlugin } from '../deps.ts';
import { ErrorResponse } from '../schemas/common.ts';
import { ApiKeyDTO, ApiKeyRequest, ScopedApiKeyRequest } from '../schemas/keys.ts';

const tags = ['🔑 Api Keys'];
const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 422: ErrorResponse };
const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });
type Request = Static<typeof ApiKeyRequest>;

const normalized = (body: Request | undefined) => ({
  isAdmin: body?.isAdmin ?? false,
  session: body?.session ?? null,
  isActive: body?.isActive ?? true,
  actions: body?.actions ?? null,
});

/** WAHA's /api/keys. Who may call which is decided in src/keys/access-rules.ts. */
export const keyRoutes: RoutePlugin = async (app, { keys }) => {
  app.post<{ Body: Request }>(
    '/api/keys',
    { schema: { tags, summary: 'Create a new API key (the key is shown in this answer only)', body: ApiKeyRequest, response: { 201: ApiKeyDTO, ...errors } } },
    async (request, reply) => reply.code(201).send(await keys.create(normalized(request.body))),
  );

  app.get('/api/keys', { schema: { tags, summary: 'Get all API keys (keys shown as hints)', response: { 200: Type.Array(ApiKeyDTO), ...errors } } }, () => keys.list());

  app.post<{ Body: Static<typeof ScopedApiKeyRequest> }>(
    '/api/keys/media',
    { schema: { tags, summary: 'Create or get a media-download-only API key for a session', body: ScopedApiKeyRequest, response: { 201: ApiKeyDTO, ...errors } } },
    async (request, reply) => reply.code(201).send(await keys.scopedKey(request.body.session, 'media')),
  );

  app.post<{ Body: Static<typeof ScopedApiKeyRequest> }>(
    '/api/keys/control',
    { schema: { tags, summary: 'Create or get a control-only API key for a session', body: ScopedApiKeyRequest, response: { 201: ApiKeyDTO, ...errors } } },
    async (request, reply) => reply.code(201).send(await keys.scopedKey(request.body.session, 'control')),
  );

  app.put<{ Params: Static<typeof IdParams>; Body: Request }>(
    '/api/keys/:id',
    { schema: { tags, summary: 'Update an API key', params: IdParams, body: ApiKeyRequest, response: { 200: ApiKeyDTO, ...errors } } },
    (request) => keys.update(request.params.id, normalized(request.body)),
  );

  app.delete<{ Params: Static<typeof IdParams> }>(
    '/api/keys/:id',
    { schema: { tags, summary: 'Delete an API key', params: IdParams, response: { 200: Type.Object({ result: Type.Literal(true) }), ...errors } } },
    (request) => keys.remove(request.params.id),
  );
};
