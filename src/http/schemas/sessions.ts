// WAHA's session DTOs. The config object is stored verbatim, so unknown extra fields survive a round trip.
import { Type, type Static } from '@sinclair/typebox';
import { EVENT_NAMES } from '../../events/bus.ts';

/**
 * Letters, digits, `_`, `-` and `.` as WAHA takes them (`my.session`). Not starting with a dot: the
 * name becomes a folder under the media directory, and `.`/`..` would point outside it.
 */
export const SESSION_NAME_PATTERN = '^(?!\\.)[a-zA-Z0-9_.-]{1,64}$';
export const SessionName = Type.String({ pattern: SESSION_NAME_PATTERN, description: 'Session name: letters, digits, _, - and . (not first)' });
/**
 * A new session's name: WAHA refuses names over 54 characters. Existing names are looked up with
 * the wider SessionName, so sessions created before this limit stay reachable.
 */
export const NewSessionName = Type.String({ pattern: SESSION_NAME_PATTERN, maxLength: 54, description: 'Session name: up to 54 letters, digits, _, - and . (not first)' });

// Unknown names are accepted and ignored (with a warning), as WAHA does, so configs written for a
// newer WAHA keep working.
export const WebhookEventName = Type.String({ minLength: 1, description: `'*' or one of: ${EVENT_NAMES.join(', ')}` });

export const WebhookConfigSchema = Type.Object(
  {
    url: Type.String({ format: 'uri', pattern: '^https?://' }),
    events: Type.Array(WebhookEventName, { minItems: 1 }),
    // `hmac: {}` (no key) is valid in WAHA and signs nothing.
    hmac: Type.Optional(Type.Union([Type.Object({ key: Type.Optional(Type.Union([Type.String({ minLength: 1 }), Type.Null()])) }), Type.Null()])),
    retries: Type.Optional(
      Type.Union([
        Type.Object({
          policy: Type.Optional(Type.Union([Type.Literal('constant'), Type.Literal('linear'), Type.Literal('exponential')])),
          delaySeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 3600 })),
          attempts: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
        }),
        Type.Null(),
      ]),
    ),
    customHeaders: Type.Optional(
      Type.Union([Type.Array(Type.Object({ name: Type.String({ minLength: 1 }), value: Type.String() })), Type.Null()]),
    ),
  },
  { additionalProperties: true },
);

export const SessionConfigSchema = Type.Object(
  {
    webhooks: Type.Optional(Type.Array(WebhookConfigSchema)),
    metadata: Type.Optional(Type.Record(Type.String(), Type.String())),
    proxy: Type.Optional(
      Type.Union([
        Type.Object(
          {
            server: Type.String({ minLength: 1, maxLength: 300, description: "host:port (an HTTP proxy, as WAHA takes it), or http://, socks5:// or socks5h://host:port" }),
            username: Type.Optional(Type.Union([Type.String({ maxLength: 255 }), Type.Null()])),
            password: Type.Optional(Type.Union([Type.String({ maxLength: 255 }), Type.Null()])),
          },
          { description: "Every connection of the session (WhatsApp, media, file.url, link previews) goes through this proxy; overrides WHATSAPP_PROXY_SERVER" },
        ),
        Type.Null(),
      ]),
    ),
    debug: Type.Optional(Type.Boolean()),
    ignore: Type.Optional(
      Type.Object({
        status: Type.Optional(Type.Boolean()),
        groups: Type.Optional(Type.Boolean()),
        channels: Type.Optional(Type.Boolean()),
        broadcast: Type.Optional(Type.Boolean()),
      }),
    ),
    noweb: Type.Optional(
      Type.Object(
        {
          markOnline: Type.Optional(Type.Boolean({ description: 'Send "available" presence once connected (default true)' })),
          store: Type.Optional(
            Type.Object(
              {
                enabled: Type.Optional(Type.Boolean({ description: 'zapd always keeps its store: false is refused with a 400' })),
                fullSync: Type.Optional(Type.Boolean({ description: 'Ask the phone for the whole chat history at link time, not only the recent part' })),
              },
              { additionalProperties: true },
            ),
          ),
        },
        { additionalProperties: true },
      ),
    ),
    client: Type.Optional(
      Type.Object({
        deviceName: Type.Optional(Type.String({ maxLength: 100, description: 'The name the phone lists this linked device under' })),
        browserName: Type.Optional(Type.String({ maxLength: 100, description: 'The browser the device says it is' })),
      }),
    ),
  },
  { additionalProperties: true, description: 'WAHA session config, stored as given' },
);
export type SessionConfigBody = Static<typeof SessionConfigSchema>;

export const SessionCreateBody = Type.Object({
  name: Type.Optional(NewSessionName),
  start: Type.Optional(Type.Boolean({ default: true, description: 'Start the session right away (default true)' })),
  config: Type.Optional(SessionConfigSchema),
});

export const SessionUpdateBody = Type.Object({ config: Type.Optional(SessionConfigSchema) });

export const SessionStatusSchema = Type.Union(
  ['STOPPED', 'STARTING', 'SCAN_QR_CODE', 'WORKING', 'FAILED'].map((status) => Type.Literal(status)),
);

export const MeSchema = Type.Object({ id: Type.String(), pushName: Type.Optional(Type.String()), lid: Type.Optional(Type.String()) });

export const SessionInfoSchema = Type.Object({
  name: Type.String(),
  status: SessionStatusSchema,
  config: Type.Record(Type.String(), Type.Unknown()),
  me: Type.Union([MeSchema, Type.Null()]),
  engine: Type.Object({ engine: Type.Literal('NOWEB') }),
  presence: Type.Null(),
  timestamps: Type.Object({ activity: Type.Union([Type.Number(), Type.Null()]) }),
  failure: Type.Optional(Type.String({ description: 'zapd: why the session FAILED, or why it keeps STARTING (e.g. its proxy is unreachable)' })),
});

export const ListSessionsQuery = Type.Object({
  all: Type.Optional(Type.Boolean({ default: false, description: 'Include STOPPED sessions' })),
});

export const DeprecatedStartBody = Type.Object({ name: NewSessionName, config: Type.Optional(SessionConfigSchema) });
export const DeprecatedStopBody = Type.Object({ name: SessionName, logout: Type.Optional(Type.Boolean({ default: false })) });
export const DeprecatedLogoutBody = Type.Object({ name: SessionName });
