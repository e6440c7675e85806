// Every endpoint of the catalog (docs/api/endpoints.tsv, the API contract) is served, and every one
// of them guards itself: no key → 401, unknown session → 404, always as JSON errors.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { startSandbox, type Sandbox } from './support/zapd.ts';

const catalog = readFileSync(new URL('../docs/api/endpoints.tsv', import.meta.url), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((line) => {
    const [tag = '', method = '', path = ''] = line.split('\t');
    return { tag, method, path };
  });
const shape = (path: string) => path.replace(/\{[^}]+\}/g, '{}');
const PUBLIC = new Set(['/ping', '/health']);

describe('the API catalog', () => {
  let sandbox: Sandbox;
  before(async () => {
    sandbox = await startSandbox();
  });
  after(async () => {
    await sandbox.close();
  });

  test('the OpenAPI document serves every catalog endpoint', async () => {
    const document = (await (await fetch(`${sandbox.zapd.url}/docs/json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    const served = new Set(Object.entries(document.paths).flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${shape(path)}`)));
    const missing = catalog.filter(({ method, path }) => !served.has(`${method} ${shape(path)}`)).map(({ method, path }) => `${method} ${path}`);
    assert.deepEqual(missing, [], `not served: ${missing.join(', ')}`);
  });

  test('every protected endpoint refuses a missing key, and an unknown session is a 404', async () => {
    for (const { tag, method, path } of catalog) {
      if (PUBLIC.has(path)) continue;
      const concrete = path
        .replace('{session}', 'ghost')
        .replace('{chatId}', '15550000000@c.us')
        .replace('{messageId}', 'true_15550000000@c.us_ABC')
        .replace(/\{[^}]+\}/g, 'x1');
      const url = `${sandbox.zapd.url}${concrete}${concrete.includes('?') ? '&' : '?'}session=ghost`;
      const init = { method, headers: { 'content-type': 'application/json' }, ...(method === 'GET' || method === 'DELETE' ? {} : { body: '{}' }) };
      const denied = await fetch(url, init);
      assert.equal(denied.status, 401, `${method} ${path} without a key`);
      const deniedBody = (await denied.json()) as { statusCode: number; error: string; message: string };
      assert.equal(deniedBody.statusCode, 401);
      // Server-wide routes (session list and creation, server info, keys) have no session to be unknown.
      if (!path.includes('{session}') && (tag === 'Sessions' || tag === 'Observability' || tag === 'Api Keys')) continue;
      // Deleting a session is idempotent, as in WAHA: an unknown one is already gone.
      if (method === 'DELETE' && path === '/api/sessions/{session}') continue;
      const withKey = await sandbox.zapd.api<{ statusCode?: number; message?: string }>(method, `${concrete}${concrete.includes('?') ? '&' : '?'}session=ghost`, method === 'GET' || method === 'DELETE' ? undefined : {});
      assert.ok(withKey.status >= 400 && withKey.status < 500, `${method} ${path} with bad input or an unknown session: got ${withKey.status}`);
      assert.equal(typeof withKey.body.message, 'string', `${method} ${path} answers a JSON error`);
    }
  });
});
