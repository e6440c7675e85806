import { STATUS_CODES } from 'node:http';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isEventName } from '../../events/bus.ts';
import type { RoutePlugin } from '../deps.ts';
import { errorBody } from '../plugins/errors.ts';

const WebSocketQuery = Type.Object({
  session: Type.Optional(Type.String({ description: "Session name, or '*' for all (default)" })),
  events: Type.Optional(Type.Union([Type.String(), Type.Array(Type.String())], { description: "Event names (comma list or repeated), or '*' (default)" })),
});

/** 1013 "try again later": the client fell too far behind, it may reconnect and catch up from the API. */
const CLOSE_TOO_SLOW = 1013;
/** How long a client that stopped reading gets to take the close frame before its socket is dropped. */
const CLOSE_GRACE_MS = 1000;

/** Answers a refused upgrade on the raw socket: Fastify would leave the half-upgraded connection open. */
function refuseUpgrade(request: FastifyRequest, reply: FastifyReply, status: number, message: string): void {
  const json = JSON.stringify(errorBody(status, message));
  reply.hijack();
  request.raw.socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(json)}\r\nConnection: close\r\n\r\n${json}`);
}

/** `GET /ws?session=…&events=…`: every matching event envelope, live, as JSON text frames. */
export const websocketRoutes: RoutePlugin = async (app, { bus, config, logger }) => {
  const log = logger.child({ module: 'websocket' });
  const allowedOrigins = config.wsAllowedOrigins ? new Set(config.wsAllowedOrigins) : undefined;
  app.get<{ Querystring: Static<typeof WebSocketQuery> }>(
    '/ws',
    {
      websocket: true,
      schema: { tags: ['🔔 Events'], summary: 'Events over WebSocket (API key as ?x-api-key=)', querystring: WebSocketQuery },
      // A page on another site must not read the events with a key it found (ZAPD_WS_ALLOWED_ORIGINS).
      // Clients outside a browser send no Origin and are not affected.
      onRequest: async (request, reply) => {
        const origin = request.headers.origin?.trim().toLowerCase().replace(/\/+$/, '');
        if (!allowedOrigins || origin === undefined || allowedOrigins.has(origin)) return;
        refuseUpgrade(request, reply, 403, `Origin '${origin}' may not open this WebSocket (see ZAPD_WS_ALLOWED_ORIGINS)`);
      },
    },
    (socket, request) => {
      // A session key streams its own session, whatever it asked for ('*' included); a named other
      // session was already refused with 403 before the upgrade.
      const principal = request.principal;
      const session = principal && principal.kind !== 'admin' ? principal.session : (request.query.session ?? '*');
      const requested = [request.query.events ?? '*'].flat().flatMap((value) => value.split(',')).map((value) => value.trim()).filter(Boolean);
      const all = requested.includes('*');
      const events = new Set(requested.filter(isEventName));
      let closing = false;
      const unsubscribe = bus.subscribe((event) => {
        if (closing || socket.readyState !== socket.OPEN) return;
        if (session !== '*' && event.session !== session) return;
        if (!all && !events.has(event.event)) return;
        // A client that does not read would make us queue every event for it, without end.
        if (socket.bufferedAmount > config.wsMaxBufferedBytes) {
          closing = true;
          unsubscribe();
          log.warn({ bufferedBytes: socket.bufferedAmount, limit: config.wsMaxBufferedBytes, remote: request.ip }, 'closing a WebSocket client that does not keep up with the events');
          socket.close(CLOSE_TOO_SLOW, 'too slow: events were queued faster than they were read');
          setTimeout(() => socket.terminate(), CLOSE_GRACE_MS).unref();
          return;
        }
        socket.send(JSON.stringify(event));
      });
      socket.on('close', unsubscribe);
      socket.on('error', unsubscribe);
    },
  );
};
