import { Type, type Static } from '@sinclair/typebox';
import type { RoutePlugin } from '../deps.ts';
import { ErrorResponse } from '../schemas/common.ts';
import {
  DeprecatedLogoutBody,
  DeprecatedStartBody,
  DeprecatedStopBody,
  ListSessionsQuery,
  MeSchema,
  SessionCreateBody,
  SessionInfoSchema,
  SessionName,
  SessionUpdateBody,
} from '../schemas/sessions.ts';
import { randomBytes } from 'node:crypto';
import { seesSession } from '../../keys/model.ts';

const tags = ['🖥️ Sessions'];
const SessionParams = Type.Object({ session: SessionName });
type SessionParamsType = Static<typeof SessionParams>;
const errors = { 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse, 422: ErrorResponse };

export const sessionRoutes: RoutePlugin = async (app, { sessions }) => {
  app.get<{ Querystring: Static<typeof ListSessionsQuery> }>(
    '/api/sessions',
    { schema: { tags, summary: 'List sessions', querystring: ListSessionsQuery, response: { 200: Type.Array(SessionInfoSchema), ...errors } } },
    async (request) => {
      const all = await sessions.list({ all: request.query.all ?? false });
      // A session key sees its own session only (src/keys/access-rules.ts lets it call this route).
      const principal = request.principal;
      return principal ? all.filter((session) => seesSession(principal, session.name)) : all;
    },
  );

  app.post<{ Body: Static<typeof SessionCreateBody> }>(
    '/api/sessions',
    { schema: { tags, summary: 'Create a session (and start it unless start is false)', body: SessionCreateBody, response: { 201: SessionInfoSchema, ...errors } } },
    async (request, reply) => {
      const body = request.body ?? {};
      const name = body.name ?? `session_${randomBytes(8).toString('hex')}`;
      const info = await sessions.create({ name, config: body.config ?? {}, start: body.start ?? true });
      return reply.code(201).send(info);
    },
  );

  app.get<{ Params: SessionParamsType }>(
    '/api/sessions/:session',
    { schema: { tags, summary: 'Get a session', params: SessionParams, response: { 200: SessionInfoSchema, ...errors } } },
    (request) => sessions.get(request.params.session),
  );

  app.put<{ Params: SessionParamsType; Body: Static<typeof SessionUpdateBody> }>(
    '/api/sessions/:session',
    { schema: { tags, summary: 'Update a session config (restarts it if running)', params: SessionParams, body: SessionUpdateBody, response: { 200: SessionInfoSchema, ...errors } } },
    (request) => sessions.update(request.params.session, request.body?.config ?? {}),
  );

  app.delete<{ Params: SessionParamsType }>(
    '/api/sessions/:session',
    { schema: { tags, summary: 'Delete a session: stop, log out and forget it', params: SessionParams, response: { 200: Type.Null(), ...errors } } },
    async (request, reply) => {
      await sessions.delete(request.params.session);
      return reply.code(200).send(null);
    },
  );

  app.get<{ Params: SessionParamsType }>(
    '/api/sessions/:session/me',
    { schema: { tags, summary: 'The linked WhatsApp account', params: SessionParams, response: { 200: Type.Union([MeSchema, Type.Null()]), ...errors } } },
    (request) => sessions.me(request.params.session),
  );

  const actions = {
    start: { summary: 'Start the session (idempotent)', run: (name: string) => sessions.start(name) },
    stop: { summary: 'Stop the session (idempotent)', run: (name: string) => sessions.stop(name) },
    restart: { summary: 'Restart the session', run: (name: string) => sessions.restart(name) },
    logout: { summary: 'Log out; a running session starts over with a new QR', run: (name: string) => sessions.logout(name) },
  } as const;
  for (const [action, { summary, run }] of Object.entries(actions)) {
    app.post<{ Params: SessionParamsType }>(
      `/api/sessions/:session/${action}`,
      { schema: { tags, summary, params: SessionParams, response: { 201: SessionInfoSchema, ...errors } } },
      async (request, reply) => reply.code(201).send(await run(request.params.session)),
    );
  }

  app.post<{ Body: Static<typeof DeprecatedStartBody> }>(
    '/api/sessions/start',
    { schema: { tags, deprecated: true, summary: 'Create or update a session and start it', body: DeprecatedStartBody, response: { 201: SessionInfoSchema, ...errors } } },
    async (request, reply) => reply.code(201).send(await sessions.upsertAndStart(request.body.name, request.body.config)),
  );

  app.post<{ Body: Static<typeof DeprecatedStopBody> }>(
    '/api/sessions/stop',
    { schema: { tags, deprecated: true, summary: 'Stop a session; with logout=true also log out and delete it', body: DeprecatedStopBody, response: { 201: Type.Null(), ...errors } } },
    async (request, reply) => {
      if (request.body.logout) await sessions.delete(request.body.name);
      else await sessions.stop(request.body.name);
      return reply.code(201).send(null);
    },
  );

  app.post<{ Body: Static<typeof DeprecatedLogoutBody> }>(
    '/api/sessions/logout',
    { schema: { tags, deprecated: true, summary: 'Stop, log out and delete a session', body: DeprecatedLogoutBody, response: { 201: Type.Null(), ...errors } } },
    async (request, reply) => {
      await sessions.delete(request.body.name);
      return reply.code(201).send(null);
    },
  );
};
