// Access around the keys: the global key in WAHA's sha512: form, basic auth on /dashboard and
// /docs, /metrics behind an admin key unless ZAPD_METRICS_PUBLIC, and a line of
// src/keys/access-rules.ts for every route the server serves.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { ruleFor } from '../src/keys/access-rules.ts';
import { startSandbox, TEST_API_KEY, type Sandbox } from './support/zapd.ts';

const sha512 = (value: string) => createHash('sha512').update(value).digest('hex');
const basic = (user: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });

describe('the global key as sha512:, basic auth, metrics', () => {
  let sandbox: Sandbox;
  before(async () => {
    sandbox = await startSandbox('sqlite', {
      ZAPD_API_KEY: `sha512:${sha512(TEST_API_KEY)}`,
      WAHA_DASHBOARD_USERNAME: 'ops',
      WAHA_DASHBOARD_PASSWORD: 'dash-secret',
      WHATSAPP_SWAGGER_PASSWORD: 'docs-secret',
    });
  });
  after(async () => {
    await sandbox.close();
  });

  test('the sha512: form of the global key accepts the key itself, which stays an admin key', async () => {
    assert.equal((await sandbox.zapd.api('GET', '/api/sessions')).status, 200);
    assert.equal((await sandbox.zapd.api('GET', '/api/keys')).status, 200);
    const created = await sandbox.zapd.api<{ key: string }>('POST', '/api/keys', { isAdmin: true });
    assert.equal(created.status, 201);
    const wrong = await sandbox.zapd.api('GET', '/api/sessions', undefined, { 'x-api-key': sha512(TEST_API_KEY) });
    assert.equal(wrong.status, 401, 'the digest is not itself a key');
    const wrongPrefixed = await sandbox.zapd.api('GET', '/api/sessions', undefined, { 'x-api-key': `sha512:${sha512(TEST_API_KEY)}` });
    assert.equal(wrongPrefixed.status, 401);
  });

  test('/dashboard and /docs ask for their own user name and password', async () => {
    for (const [path, user, password] of [
      ['/dashboard', 'ops', 'dash-secret'],
      ['/dashboard/app.js', 'ops', 'dash-secret'],
      ['/docs', 'admin', 'docs-secret'],
      ['/docs/json', 'admin', 'docs-secret'],
    ] as const) {
      const challenged = await fetch(`${sandbox.zapd.url}${path}`);
      assert.equal(challenged.status, 401, path);
      assert.match(challenged.headers.get('www-authenticate') ?? '', /^Basic realm=/);
      assert.equal(((await challenged.json()) as { statusCode: number }).statusCode, 401);
      assert.equal((await fetch(`${sandbox.zapd.url}${path}`, { headers: basic(user, 'nope') })).status, 401, `${path} wrong password`);
      assert.equal((await fetch(`${sandbox.zapd.url}${path}`, { headers: basic('someone', password) })).status, 401, `${path} wrong user`);
      const opened = await fetch(`${sandbox.zapd.url}${path}`, { headers: basic(user, password), redirect: 'manual' });
      assert.ok(opened.status === 200 || opened.status === 302, `${path} with credentials → ${opened.status}`);
    }
    assert.equal((await fetch(`${sandbox.zapd.url}/dashboard`, { headers: basic('admin', 'docs-secret') })).status, 401, 'the docs credentials do not open the dashboard');
    assert.equal((await fetch(`${sandbox.zapd.url}/ping`)).status, 200, 'public routes stay public');
  });

  test('/metrics needs an admin key', async () => {
    const denied = await fetch(`${sandbox.zapd.url}/metrics`);
    assert.equal(denied.status, 401);
    const allowed = await fetch(`${sandbox.zapd.url}/metrics`, { headers: { 'x-api-key': TEST_API_KEY } });
    assert.equal(allowed.status, 200);
    assert.match(await allowed.text(), /zapd_http_requests_total/);
  });

  test('every served route has a line in the access table; the server-wide ones are these', async () => {
    const document = (await (await fetch(`${sandbox.zapd.url}/docs/json`, { headers: basic('admin', 'docs-secret') })).json()) as {
      paths: Record<string, Record<string, { security?: unknown[] }>>;
    };
    const serverWide: string[] = [];
    const uncovered: string[] = [];
    for (const [path, operations] of Object.entries(document.paths)) {
      const pattern = path.replace(/\{([^}]+)\}/g, ':$1');
      for (const [name, operation] of Object.entries(operations)) {
        // Public routes (/ping, /health) take no key, so no rule applies to them.
        if (Array.isArray(operation.security) && operation.security.length === 0) continue;
        const method = name.toUpperCase();
        const rule = ruleFor({ method, pattern, body: {} });
        if (!rule) uncovered.push(`${method} ${path}`);
        else if (rule.access === 'server') serverWide.push(`${method} ${path}`);
      }
    }
    assert.deepEqual(uncovered, []);
    assert.deepEqual(serverWide.sort(), [
      'DELETE /api/keys/{id}',
      'GET /api/keys',
      'GET /api/server/debug/cpu',
      'GET /api/server/debug/heapsnapshot',
      'GET /api/server/environment',
      'GET /api/server/status',
      'GET /api/server/webhooks/deliveries',
      'GET /metrics',
      'POST /api/keys',
      'POST /api/server/stop',
      'POST /api/server/webhooks/deliveries/{seq}/retry',
      'POST /api/sessions',
      'PUT /api/keys/{id}',
    ]);
    assert.deepEqual(ruleFor({ method: 'GET', pattern: '/ws', body: undefined }), { access: 'session', scope: 'read', wildcard: true });
  });
});

describe('ZAPD_METRICS_PUBLIC=true', () => {
  let sandbox: Sandbox;
  before(async () => {
    sandbox = await startSandbox('sqlite', { ZAPD_METRICS_PUBLIC: 'true' });
  });
  after(async () => {
    await sandbox.close();
  });

  test('opens /metrics without a key, and nothing else', async () => {
    assert.equal((await fetch(`${sandbox.zapd.url}/metrics`)).status, 200);
    assert.equal((await fetch(`${sandbox.zapd.url}/api/sessions`)).status, 401);
    assert.equal((await fetch(`${sandbox.zapd.url}/dashboard`)).status, 200, 'no basic auth unless configured');
    assert.equal((await fetch(`${sandbox.zapd.url}/docs/json`)).status, 200);
  });
});
