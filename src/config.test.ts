import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadConfig } from './config.ts';
import { applyProcessSettings } from './server.ts';

test('defaults', () => {
  const config = loadConfig({});
  assert.equal(config.port, 3000);
  assert.equal(config.host, '0.0.0.0');
  assert.equal(config.logLevel, 'info');
  assert.equal(config.defaultEngine, 'NOWEB');
  assert.equal(config.printQr, true);
  assert.equal(config.allowPrivateMediaUrls, false);
  assert.equal(config.webhook, undefined);
  assert.equal(config.databaseUrl, undefined);
  assert.ok(config.dataDir.endsWith('.zapd'));
  assert.equal(config.sourceMappedStackTraces, false);
});

test('ZAPD_SOURCE_MAPS turns source-mapped stack traces back on for the process', () => {
  const before = process.sourceMapsEnabled;
  try {
    applyProcessSettings(loadConfig({ ZAPD_SOURCE_MAPS: 'true' }));
    assert.equal(process.sourceMapsEnabled, true);
    applyProcessSettings(loadConfig({}));
    assert.equal(process.sourceMapsEnabled, false);
  } finally {
    process.setSourceMapsEnabled(before);
  }
});

test("WAHA's variable names are accepted, zapd's win when both are set", () => {
  const waha = loadConfig({
    WHATSAPP_API_PORT: '4000',
    WHATSAPP_API_KEY: 'waha-key',
    WAHA_LOG_LEVEL: 'debug',
    WHATSAPP_HOOK_URL: 'https://example.com/hook',
    WHATSAPP_HOOK_EVENTS: 'message, session.status',
    WHATSAPP_HOOK_HMAC_KEY: 'secret',
    WAHA_PRINT_QR: 'False',
    WHATSAPP_DEFAULT_ENGINE: 'noweb',
  });
  assert.equal(waha.port, 4000);
  assert.equal(waha.apiKey, 'waha-key');
  assert.equal(waha.logLevel, 'debug');
  assert.deepEqual(waha.webhook, { url: 'https://example.com/hook', events: ['message', 'session.status'], hmacKey: 'secret' });
  assert.equal(waha.printQr, false);
  const both = loadConfig({ PORT: '5000', WHATSAPP_API_PORT: '4000', ZAPD_API_KEY: 'zapd-key', WHATSAPP_API_KEY: 'waha-key' });
  assert.equal(both.port, 5000);
  assert.equal(both.apiKey, 'zapd-key');
});

test('media URL settings: allowlist, total deadline and size cap', () => {
  const defaults = loadConfig({});
  assert.deepEqual(defaults.mediaUrlAllowlist.entries, []);
  assert.equal(defaults.mediaUrlTimeoutMs, 30_000);
  assert.equal(defaults.mediaUrlMaxBytes, 64 * 1024 * 1024);
  const set = loadConfig({ ZAPD_MEDIA_URL_ALLOWLIST: 'files.lan, 10.20.0.0/16', ZAPD_MEDIA_URL_TIMEOUT_SECONDS: '2.5', ZAPD_MEDIA_URL_MAX_MB: '16' });
  assert.deepEqual(set.mediaUrlAllowlist.hosts, ['files.lan']);
  assert.equal(set.mediaUrlAllowlist.networks.check('10.20.3.4', 'ipv4'), true);
  assert.equal(set.mediaUrlTimeoutMs, 2_500);
  assert.equal(set.mediaUrlMaxBytes, 16 * 1024 * 1024);
});

test('bad values fail with a message that names the variable', () => {
  for (const [env, mentions] of [
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ ZAPD_LOG_LEVEL: 'loud' }, 'log level'],
    [{ WHATSAPP_DEFAULT_ENGINE: 'WEBJS' }, 'WHATSAPP_DEFAULT_ENGINE'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ ZAPD_WA_URL: 'http://x' }, 'ZAPD_WA_URL'],
    [{ WHATSAPP_HOOK_URL: 'ftp://x' }, 'WHATSAPP_HOOK_URL'],
    [{ WAHA_PRINT_QR: 'maybe' }, 'WAHA_PRINT_QR'],
    [{ ZAPD_MEDIA_URL_ALLOWLIST: 'files.lan, 10.0.0.0/40' }, 'ZAPD_MEDIA_URL_ALLOWLIST'],
    [{ ZAPD_MEDIA_URL_ALLOWLIST: 'files.lan:8080' }, 'files.lan:8080'],
    [{ ZAPD_MEDIA_URL_TIMEOUT_SECONDS: '0' }, 'ZAPD_MEDIA_URL_TIMEOUT_SECONDS'],
    [{ ZAPD_MEDIA_URL_TIMEOUT_SECONDS: 'soon' }, 'ZAPD_MEDIA_URL_TIMEOUT_SECONDS'],
    [{ ZAPD_MEDIA_URL_MAX_MB: '-1' }, 'ZAPD_MEDIA_URL_MAX_MB'],
  ] as const) {
    assert.throws(() => loadConfig(env), (error: unknown) => error instanceof ConfigError && error.message.includes(mentions), JSON.stringify(env));
  }
});

test('request and WebSocket bounds: defaults, overrides and bad values', () => {
  const defaults = loadConfig({});
  assert.equal(defaults.maxBodyBytesInFlight, 160 * 1024 * 1024);
  assert.equal(defaults.wsMaxBufferedBytes, 8 * 1024 * 1024);
  assert.equal(defaults.wsAllowedOrigins, undefined);
  const set = loadConfig({ ZAPD_MAX_BODY_BYTES_IN_FLIGHT: '0', ZAPD_WS_MAX_BUFFERED_BYTES: '65536', ZAPD_WS_ALLOWED_ORIGINS: 'https://App.Example.com/, http://localhost:5173' });
  assert.equal(set.maxBodyBytesInFlight, 0);
  assert.equal(set.wsMaxBufferedBytes, 65536);
  assert.deepEqual(set.wsAllowedOrigins, ['https://app.example.com', 'http://localhost:5173']);
  assert.throws(() => loadConfig({ ZAPD_MAX_BODY_BYTES_IN_FLIGHT: '1e9' }), ConfigError);
  assert.throws(() => loadConfig({ ZAPD_WS_MAX_BUFFERED_BYTES: '-1' }), ConfigError);
  assert.throws(() => loadConfig({ ZAPD_WS_ALLOWED_ORIGINS: 'app.example.com' }), ConfigError);
  assert.throws(() => loadConfig({ ZAPD_WS_ALLOWED_ORIGINS: 'https://app.example.com/path' }), ConfigError);
});

test('basic auth for the dashboard and the docs: WAHA names, admin as the default user, off when unset', () => {
  const none = loadConfig({});
  assert.equal(none.dashboardAuth, undefined);
  assert.equal(none.docsAuth, undefined);
  assert.equal(none.metricsPublic, false);
  const set = loadConfig({ WAHA_DASHBOARD_USERNAME: 'ops', WAHA_DASHBOARD_PASSWORD: 'p1', WHATSAPP_SWAGGER_PASSWORD: 'p2', ZAPD_METRICS_PUBLIC: 'true' });
  assert.deepEqual(set.dashboardAuth, { username: 'ops', password: 'p1' });
  assert.deepEqual(set.docsAuth, { username: 'admin', password: 'p2' });
  assert.equal(set.metricsPublic, true);
  assert.throws(() => loadConfig({ WAHA_DASHBOARD_USERNAME: 'ops' }), ConfigError);
  assert.throws(() => loadConfig({ WHATSAPP_SWAGGER_USERNAME: 'a:b', WHATSAPP_SWAGGER_PASSWORD: 'p' }), ConfigError);
});

test('the API key in the sha512: form must be a whole SHA-512', () => {
  const digest = 'ab'.repeat(64);
  assert.equal(loadConfig({ WAHA_API_KEY: `sha512:${digest}` }).apiKey, `sha512:${digest}`);
  assert.throws(() => loadConfig({ WAHA_API_KEY: 'sha512:abc' }), ConfigError);
});

test("WHATSAPP_PROXY_SERVER (WAHA's host:port) and its credentials are the default proxy", () => {
  const config = loadConfig({ WHATSAPP_PROXY_SERVER: 'localhost:3128', WHATSAPP_PROXY_SERVER_USERNAME: 'user', WHATSAPP_PROXY_SERVER_PASSWORD: 'pass' });
  assert.deepEqual(config.proxy, { protocol: 'http', host: 'localhost', port: 3128, username: 'user', password: 'pass' });
  assert.equal(loadConfig({ WHATSAPP_PROXY_SERVER: 'socks5://127.0.0.1:1080' }).proxy?.protocol, 'socks5');
  assert.equal(loadConfig({}).proxy, undefined);
  assert.throws(() => loadConfig({ WHATSAPP_PROXY_SERVER: 'ftp://proxy:21' }), (error: unknown) => error instanceof ConfigError && /WHATSAPP_PROXY_SERVER/.test(error.message));
  assert.throws(() => loadConfig({ WHATSAPP_PROXY_SERVER_USERNAME: 'user' }), ConfigError);
  // Ignoring these would connect sessions directly; refused so the operator notices.
  assert.throws(() => loadConfig({ WHATSAPP_PROXY_SERVER: 'a:1,b:2' }), ConfigError);
  assert.throws(() => loadConfig({ WHATSAPP_PROXY_SERVER_LIST: 'a:1,b:2' }), /WHATSAPP_PROXY_SERVER_LIST/);
});

test('broker sinks: off by default, names and filters with defaults, bad values named without the URL', () => {
  assert.deepEqual(loadConfig({}).eventSinks, { publishTimeoutMs: 10_000 });
  const config = loadConfig({
    ZAPD_EVENTS_RABBITMQ_URL: 'amqp://guest:guest@127.0.0.1:5672',
    ZAPD_EVENTS_NATS_URL: 'nats://127.0.0.1:4222',
    ZAPD_EVENTS_NATS_EVENTS: 'message, message.ack',
    ZAPD_EVENTS_REDIS_URL: 'redis://127.0.0.1:6379',
    ZAPD_EVENTS_REDIS_MAXLEN: '5000',
    ZAPD_EVENTS_PUBLISH_TIMEOUT_SECONDS: '2.5',
  });
  assert.deepEqual(config.eventSinks, {
    rabbitmq: { url: 'amqp://guest:guest@127.0.0.1:5672', exchange: 'zapd.events', events: ['*'] },
    nats: { url: 'nats://127.0.0.1:4222', stream: 'ZAPD', subjectPrefix: 'zapd', events: ['message', 'message.ack'] },
    redis: { url: 'redis://127.0.0.1:6379', stream: 'zapd:events', maxLen: 5000, events: ['*'] },
    publishTimeoutMs: 2500,
  });
  const bad: Array<[Record<string, string>, RegExp]> = [
    [{ ZAPD_EVENTS_RABBITMQ_URL: 'http://user:hunter2@host' }, /^ZAPD_EVENTS_RABBITMQ_URL must be a URL starting with amqp:\/\/ or amqps:\/\/$/],
    [{ ZAPD_EVENTS_REDIS_URL: 'redis://x', ZAPD_EVENTS_REDIS_MAXLEN: '0' }, /ZAPD_EVENTS_REDIS_MAXLEN/],
    [{ ZAPD_EVENTS_NATS_URL: 'nats://x', ZAPD_EVENTS_NATS_STREAM: 'a.b' }, /ZAPD_EVENTS_NATS_STREAM/],
    [{ ZAPD_EVENTS_NATS_URL: 'nats://x', ZAPD_EVENTS_NATS_SUBJECT_PREFIX: 'zapd.>' }, /ZAPD_EVENTS_NATS_SUBJECT_PREFIX/],
    [{ ZAPD_EVENTS_NATS_URL: 'nats://x', ZAPD_EVENTS_NATS_EVENTS: 'message,mesage' }, /ZAPD_EVENTS_NATS_EVENTS .*'mesage'/],
  ];
  for (const [env, message] of bad) {
    assert.throws(() => loadConfig(env), (error: unknown) => error instanceof ConfigError && message.test(error.message) && !error.message.includes('hunter2'));
  }
});
