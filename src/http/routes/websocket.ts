import { Type, type Static } from '@sinclair/typebox';
import { isEventName } from '../../events/bus.ts';
import type { RoutePlugin } from '../deps.ts';

const WebSocketQuery = Type.Object({
  session: Type.Optional(Type.String({ description: "Session name, or '*' for all (default)" })),
  events: Type.Optional(Type.Union([Type.String(), Type.Array(Type.String())], { description: "Event names (comma list or repeated), or '*' (default)" })),
});

/** `GET /ws?session=…&events=…`: every matching event envelope, live, as JSON text frames. */
export const websocketRoutes: RoutePlugin = async (app, { bus }) => {
  app.get<{ Querystring: Static<typeof WebSocketQuery> }>(
    '/ws',
    { websocket: true, schema: { tags: ['🔔 Events'], summary: 'Events over WebSocket (API key as ?x-api-key=)', querystring: WebSocketQuery } },
    (socket, request) => {
      // A session key streams its own session, whatever it asked for ('*' included); a named other
      // session was already refused with 403 before the upgrade.
      const principal = request.principal;
      const session = principal && principal.kind !== 'admin' ? principal.session : (request.query.session ?? '*');
      const requested = [request.query.events ?? '*'].flat().flatMap((value) => value.split(',')).map((value) => value.trim()).filter(Boolean);
      const all = requested.includes('*');
      const events = new Set(requested.filter(isEventName));
      const unsubscribe = bus.subscribe((event) => {
        if (session !== '*' && event.session !== session) return;
        if (!all && !events.has(event.event)) return;
        if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(event));
      });
      socket.on('close', unsubscribe);
      socket.on('error', unsubscribe);
    },
  );
};
