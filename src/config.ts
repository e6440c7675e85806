// Configuration is read once, here, from the environment. WAHA's variable names are accepted as
// aliases so a WAHA deployment's env file works unchanged.
import { resolve } from 'node:path';
import { packageInfo } from './runtime/package-root.ts';
import { EVENT_NAMES } from './events/bus.ts';
import { AllowlistError, parseUrlAllowlist, type UrlAllowlist } from './media/url-allowlist.ts';
import { parseProxy, ProxyConfigError, type ProxySettings } from './proxy/settings.ts';

export interface WebhookDefaults {
  url: string;
  events: string[];
  hmacKey?: string;
}

/** Which events a broker sink takes (ZAPD_EVENTS_<SINK>_EVENTS): names, or `*` for all. */
interface SinkEvents {
  events: string[];
}

/** Brokers every event can go to besides webhooks, from the same outbox (see src/delivery/sinks/). */
export interface EventSinkSettings {
  rabbitmq?: SinkEvents & { url: string; exchange: string };
  nats?: SinkEvents & { url: string; stream: string; subjectPrefix: string };
  redis?: SinkEvents & { url: string; stream: string; maxLen: number };
  /** How long one publish (connecting included) may take before it counts as a failed attempt. */
  publishTimeoutMs: number;
}

/** A user name and password that HTTP basic authentication asks for. */
export interface BasicCredentials {
  username: string;
  password: string;
}

export interface Config {
  host: string;
  port: number;
  dataDir: string;
  databaseUrl?: string;
  /** The global admin key: plaintext, or `sha512:<hex>` of it (WAHA's form). */
  apiKey?: string;
  /** Basic auth for /dashboard (WAHA_DASHBOARD_USERNAME/PASSWORD); none when unset. */
  dashboardAuth?: BasicCredentials;
  /** Basic auth for /docs (WHATSAPP_SWAGGER_USERNAME/PASSWORD); none when unset. */
  docsAuth?: BasicCredentials;
  /** /metrics answers without a key (ZAPD_METRICS_PUBLIC); otherwise it needs an admin key. */
  metricsPublic: boolean;
  logLevel: string;
  /** ZAPD_LOG_FORMAT; unset chooses pretty on a terminal and JSON otherwise (see runtime/logger.ts). */
  logFormat?: LogFormat;
  webhook?: WebhookDefaults;
  eventSinks: EventSinkSettings;
  defaultEngine: string;
  printQr: boolean;
  waUrl?: string;
  waRootKey?: string;
  publicUrl?: string;
  allowPrivateMediaUrls: boolean;
  /** ZAPD_MEDIA_URL_ALLOWLIST: private hosts/networks media URLs may reach while the guard stays on. */
  mediaUrlAllowlist: UrlAllowlist;
  /** One deadline for a file.url download, headers and body of every redirect hop together. */
  mediaUrlTimeoutMs: number;
  /** The largest file.url download accepted. */
  mediaUrlMaxBytes: number;
  /** Seconds media files are kept before they are deleted; 0 keeps them. */
  mediaLifetimeSeconds: number;
  /** Stack traces name TypeScript lines (ZAPD_SOURCE_MAPS); off by default, see applyProcessSettings. */
  sourceMappedStackTraces: boolean;
  /** Request-body bytes all requests together may hold at once (ZAPD_MAX_BODY_BYTES_IN_FLIGHT); 0 = no bound. */
  maxBodyBytesInFlight: number;
  /** A WebSocket client with more than this many bytes queued to it is disconnected (ZAPD_WS_MAX_BUFFERED_BYTES). */
  wsMaxBufferedBytes: number;
  /** Origins a browser may open /ws from (ZAPD_WS_ALLOWED_ORIGINS); unset allows any. */
  wsAllowedOrigins?: string[];
  /** WHATSAPP_PROXY_SERVER (+ _USERNAME/_PASSWORD): the proxy of every session without its own config.proxy. */
  proxy?: ProxySettings;
  version: string;
}

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

function first(env: Env, names: string[]): string | undefined {
  for (const name of names) {
    const value = env[name]?.trim();
    if (value) return value;
  }
  return undefined;
}

function flag(env: Env, names: string[], fallback: boolean): boolean {
  const value = first(env, names);
  if (value === undefined) return fallback;
  if (/^(1|true|yes|on)$/i.test(value)) return true;
  if (/^(0|false|no|off)$/i.test(value)) return false;
  throw new ConfigError(`${names[0]} must be true or false, got '${value}'`);
}

function positiveNumber(env: Env, names: string[], fallback: number): number {
  const text = first(env, names);
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new ConfigError(`${names[0]} must be a positive number, got '${text}'`);
  return value;
}

function urlAllowlist(env: Env): UrlAllowlist {
  try {
    return parseUrlAllowlist(first(env, ['ZAPD_MEDIA_URL_ALLOWLIST']));
  } catch (error) {
    if (error instanceof AllowlistError) throw new ConfigError(`ZAPD_MEDIA_URL_ALLOWLIST: ${error.message}`);
    throw error;
  }
}

function byteCount(env: Env, names: string[], fallback: number): number {
  const text = first(env, names);
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value)) throw new ConfigError(`${names[0]} must be a whole number of bytes, got '${text}'`);
  return value;
}

/** `https://app.example.com, http://localhost:5173/` → normalised origins (scheme://host[:port], lower case). */
export function parseOrigins(text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  const origins = text
    .split(',')
    .map((origin) => origin.trim().toLowerCase().replace(/\/+$/, ''))
    .filter(Boolean);
  for (const origin of origins) {
    if (!/^https?:\/\/[^/\s]+$/.test(origin)) throw new ConfigError(`ZAPD_WS_ALLOWED_ORIGINS holds '${origin}', which is not an origin like https://app.example.com`);
  }
  return origins;
}
/**
 * Basic-auth credentials from a user name and a password variable. WAHA generates a password when
 * none is set; zapd leaves the pages open instead (they are shells: every call they make needs a
 * key), so only an explicit password turns basic auth on. The user name defaults to WAHA's 'admin'.
 */
function credentials(env: Env, usernames: string[], passwords: string[]): BasicCredentials | undefined {
  const username = first(env, usernames);
  const password = first(env, passwords);
  if (!password) {
    if (username) throw new ConfigError(`${usernames[0]} is set but ${passwords[0]} is not: set both, or neither`);
    return undefined;
  }
  if (username?.includes(':')) throw new ConfigError(`${usernames[0]} must not contain ':' (basic auth separates the user name from the password with it)`);
  return { username: username ?? 'admin', password };
}

function defaultProxy(env: Env): ProxySettings | undefined {
  const server = first(env, ['WHATSAPP_PROXY_SERVER', 'ZAPD_PROXY_SERVER']);
  const username = first(env, ['WHATSAPP_PROXY_SERVER_USERNAME', 'ZAPD_PROXY_USERNAME']);
  const password = first(env, ['WHATSAPP_PROXY_SERVER_PASSWORD', 'ZAPD_PROXY_PASSWORD']);
  // Ignoring WAHA's rotation list would connect those sessions directly, the one thing a proxy user must not get.
  if (first(env, ['WHATSAPP_PROXY_SERVER_LIST'])) {
    throw new ConfigError('WHATSAPP_PROXY_SERVER_LIST is not supported: set one WHATSAPP_PROXY_SERVER, or a config.proxy per session');
  }
  if (!server) {
    if (username || password) throw new ConfigError('WHATSAPP_PROXY_SERVER_USERNAME/PASSWORD are set but WHATSAPP_PROXY_SERVER is not');
    return undefined;
  }
  // WAHA's list form rotates sessions over several proxies; zapd takes one, and says so rather than use the first.
  if (server.includes(',')) throw new ConfigError('WHATSAPP_PROXY_SERVER holds a list; zapd takes one proxy (set per-session proxies in config.proxy)');
  try {
    return parseProxy({ server, username, password });
  } catch (error) {
    if (error instanceof ProxyConfigError) throw new ConfigError(`WHATSAPP_PROXY_SERVER: ${error.message}`);
    throw error;
  }
}

function sinkEvents(env: Env, name: string): string[] {
  const events = (first(env, [name]) ?? '*')
    .split(',')
    .map((event) => event.trim())
    .filter(Boolean);
  const unknown = events.filter((event) => event !== '*' && !(EVENT_NAMES as readonly string[]).includes(event));
  if (unknown.length > 0 || events.length === 0) throw new ConfigError(`${name} must be * or a comma list of event names, got '${unknown.join(',') || first(env, [name])}'`);
  return events;
}

function brokerUrl(env: Env, name: string, schemes: string[]): string | undefined {
  const url = first(env, [name]);
  if (url === undefined) return undefined;
  const scheme = /^([a-z]+):\/\/[^/\s]/i.exec(url)?.[1]?.toLowerCase();
  // The URL may hold a password: the message names the variable, never the value.
  if (!scheme || !schemes.includes(scheme)) throw new ConfigError(`${name} must be a URL starting with ${schemes.map((each) => `${each}://`).join(' or ')}`);
  return url;
}

/** A name that goes into a NATS subject or stream name: no wildcards, separators or whitespace. */
function natsName(env: Env, name: string, fallback: string, pattern: RegExp, what: string): string {
  const value = first(env, [name]) ?? fallback;
  if (!pattern.test(value)) throw new ConfigError(`${name} must be ${what}, got '${value}'`);
  return value;
}

function eventSinks(env: Env): EventSinkSettings {
  const rabbitmqUrl = brokerUrl(env, 'ZAPD_EVENTS_RABBITMQ_URL', ['amqp', 'amqps']);
  const natsUrl = brokerUrl(env, 'ZAPD_EVENTS_NATS_URL', ['nats', 'tls']);
  const redisUrl = brokerUrl(env, 'ZAPD_EVENTS_REDIS_URL', ['redis', 'rediss']);
  const maxLenText = first(env, ['ZAPD_EVENTS_REDIS_MAXLEN']) ?? '1000000';
  const maxLen = Number(maxLenText);
  if (!/^\d+$/.test(maxLenText) || !Number.isSafeInteger(maxLen) || maxLen < 1) throw new ConfigError(`ZAPD_EVENTS_REDIS_MAXLEN must be a whole number above 0, got '${maxLenText}'`);
  return {
    ...(rabbitmqUrl ? { rabbitmq: { url: rabbitmqUrl, exchange: first(env, ['ZAPD_EVENTS_RABBITMQ_EXCHANGE']) ?? 'zapd.events', events: sinkEvents(env, 'ZAPD_EVENTS_RABBITMQ_EVENTS') } } : {}),
    ...(natsUrl
      ? {
          nats: {
            url: natsUrl,
            stream: natsName(env, 'ZAPD_EVENTS_NATS_STREAM', 'ZAPD', /^[A-Za-z0-9_-]{1,255}$/, 'letters, digits, _ and -'),
            subjectPrefix: natsName(env, 'ZAPD_EVENTS_NATS_SUBJECT_PREFIX', 'zapd', /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/, 'dot-separated tokens of letters, digits, _ and -'),
            events: sinkEvents(env, 'ZAPD_EVENTS_NATS_EVENTS'),
          },
        }
      : {}),
    ...(redisUrl ? { redis: { url: redisUrl, stream: first(env, ['ZAPD_EVENTS_REDIS_STREAM']) ?? 'zapd:events', maxLen, events: sinkEvents(env, 'ZAPD_EVENTS_REDIS_EVENTS') } } : {}),
    publishTimeoutMs: Math.round(positiveNumber(env, ['ZAPD_EVENTS_PUBLISH_TIMEOUT_SECONDS'], 10) * 1000),
  };
}

const SHA512_KEY = /^sha512:[0-9a-f]{128}$/i;

/** How log lines are written: see src/runtime/logger.ts. */
export type LogFormat = 'pretty' | 'json';
const LOG_FORMATS: readonly LogFormat[] = ['pretty', 'json'];

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];


/** ZAPD_LOG_FORMAT: pretty or json, or undefined to choose by the terminal. The simulator reads it too. */
export function readLogFormat(env: Env = process.env): LogFormat | undefined {
  const value = first(env, ['ZAPD_LOG_FORMAT'])?.toLowerCase();
  if (value === undefined) return undefined;
  const format = LOG_FORMATS.find((candidate) => candidate === value);
  if (!format) throw new ConfigError(`ZAPD_LOG_FORMAT must be one of ${LOG_FORMATS.join(', ')}, got '${value}'`);
  return format;
}

export function loadConfig(env: Env = process.env): Config {
  const portText = first(env, ['PORT', 'ZAPD_PORT', 'WHATSAPP_API_PORT']) ?? '3000';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`PORT must be a port number, got '${portText}'`);

  const logLevel = (first(env, ['ZAPD_LOG_LEVEL', 'WAHA_LOG_LEVEL', 'LOG_LEVEL']) ?? 'info').toLowerCase();
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError(`log level must be one of ${LOG_LEVELS.join(', ')}, got '${logLevel}'`);

  const logFormat = readLogFormat(env);

  const defaultEngine = (first(env, ['WHATSAPP_DEFAULT_ENGINE']) ?? 'NOWEB').toUpperCase();
  if (defaultEngine !== 'NOWEB') {
    throw new ConfigError(`WHATSAPP_DEFAULT_ENGINE=${defaultEngine} is not available: zapd runs the NOWEB engine (Baileys) only`);
  }

  const databaseUrl = first(env, ['DATABASE_URL', 'ZAPD_DATABASE_URL']);
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL must be a postgres:// URL (leave it unset for the embedded SQLite store)');
  }

  const waUrl = first(env, ['ZAPD_WA_URL']);
  if (waUrl && !/^wss?:\/\//.test(waUrl)) throw new ConfigError(`ZAPD_WA_URL must be a ws:// or wss:// URL, got '${waUrl}'`);

  const hookUrl = first(env, ['WHATSAPP_HOOK_URL', 'ZAPD_WEBHOOK_URL']);
  if (hookUrl && !/^https?:\/\//.test(hookUrl)) throw new ConfigError(`WHATSAPP_HOOK_URL must be an http(s) URL, got '${hookUrl}'`);
  const hookEvents = (first(env, ['WHATSAPP_HOOK_EVENTS', 'ZAPD_WEBHOOK_EVENTS']) ?? 'message')
    .split(',')
    .map((event) => event.trim())
    .filter(Boolean);
  const hmacKey = first(env, ['WHATSAPP_HOOK_HMAC_KEY', 'ZAPD_WEBHOOK_HMAC_KEY']);

  const lifetimeText = first(env, ['ZAPD_MEDIA_LIFETIME_SECONDS', 'WHATSAPP_FILES_LIFETIME']) ?? '0';
  const mediaLifetimeSeconds = Number(lifetimeText);
  if (!Number.isInteger(mediaLifetimeSeconds) || mediaLifetimeSeconds < 0) {
    throw new ConfigError(`WHATSAPP_FILES_LIFETIME must be a whole number of seconds, got '${lifetimeText}'`);
  }

  const apiKey = first(env, ['ZAPD_API_KEY', 'WHATSAPP_API_KEY', 'WAHA_API_KEY']);
  if (apiKey?.toLowerCase().startsWith('sha512:') && !SHA512_KEY.test(apiKey)) {
    throw new ConfigError('WAHA_API_KEY in the sha512: form must be sha512: followed by 128 hex digits (the SHA-512 of the key)');
  }
  const dashboardAuth = credentials(env, ['WAHA_DASHBOARD_USERNAME', 'ZAPD_DASHBOARD_USERNAME'], ['WAHA_DASHBOARD_PASSWORD', 'ZAPD_DASHBOARD_PASSWORD']);
  const docsAuth = credentials(env, ['WHATSAPP_SWAGGER_USERNAME', 'ZAPD_DOCS_USERNAME'], ['WHATSAPP_SWAGGER_PASSWORD', 'ZAPD_DOCS_PASSWORD']);
  const waRootKey = first(env, ['ZAPD_WA_ROOT_KEY']);
  const publicUrl = first(env, ['ZAPD_BASE_URL', 'WAHA_BASE_URL']);
  const wsAllowedOrigins = parseOrigins(first(env, ['ZAPD_WS_ALLOWED_ORIGINS']));
  const proxy = defaultProxy(env);
  return {
    host: first(env, ['ZAPD_HOST', 'WHATSAPP_API_HOSTNAME']) ?? '0.0.0.0',
    port,
    dataDir: resolve(first(env, ['ZAPD_DATA_DIR']) ?? '.zapd'),
    ...(databaseUrl ? { databaseUrl } : {}),
    ...(apiKey ? { apiKey } : {}),
    ...(dashboardAuth ? { dashboardAuth } : {}),
    ...(docsAuth ? { docsAuth } : {}),
    metricsPublic: flag(env, ['ZAPD_METRICS_PUBLIC'], false),
    logLevel,
    ...(logFormat ? { logFormat } : {}),
    ...(hookUrl ? { webhook: { url: hookUrl, events: hookEvents, ...(hmacKey ? { hmacKey } : {}) } } : {}),
    eventSinks: eventSinks(env),
    defaultEngine,
    printQr: flag(env, ['WAHA_PRINT_QR', 'ZAPD_PRINT_QR'], true),
    ...(waUrl ? { waUrl } : {}),
    ...(waRootKey ? { waRootKey } : {}),
    ...(publicUrl ? { publicUrl: publicUrl.replace(/\/+$/, '') } : {}),
    allowPrivateMediaUrls: flag(env, ['ZAPD_ALLOW_PRIVATE_MEDIA_URLS'], false),
    mediaUrlAllowlist: urlAllowlist(env),
    mediaUrlTimeoutMs: Math.round(positiveNumber(env, ['ZAPD_MEDIA_URL_TIMEOUT_SECONDS'], 30) * 1000),
    mediaUrlMaxBytes: Math.round(positiveNumber(env, ['ZAPD_MEDIA_URL_MAX_MB'], 64) * 1024 * 1024),
    mediaLifetimeSeconds,
    sourceMappedStackTraces: flag(env, ['ZAPD_SOURCE_MAPS'], false),
    // Two bodies at the 80 MB body limit: a JSON body costs about three times its size while parsed.
    maxBodyBytesInFlight: byteCount(env, ['ZAPD_MAX_BODY_BYTES_IN_FLIGHT'], 160 * 1024 * 1024),
    wsMaxBufferedBytes: byteCount(env, ['ZAPD_WS_MAX_BUFFERED_BYTES'], 8 * 1024 * 1024),
    ...(wsAllowedOrigins ? { wsAllowedOrigins } : {}),
    ...(proxy ? { proxy } : {}),
    version: packageInfo().version,
  };
}
