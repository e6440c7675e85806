// WAHA's debug downloads: a real CPU profile and a real heap snapshot of the running server, for
// admin keys only.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startSandbox, type Sandbox } from './support/zapd.ts';

describe('server debug downloads', () => {
  let sandbox: Sandbox;
  before(async () => {
    sandbox = await startSandbox();
  });
  after(async () => {
    await sandbox.close();
  });

  test('a CPU profile of the next seconds, one at a time', async () => {
    const first = sandbox.zapd.api<{ nodes: unknown[]; startTime: number; endTime: number }>('GET', '/api/server/debug/cpu?seconds=1');
    await new Promise((resolve) => setTimeout(resolve, 200));
    const second = await sandbox.zapd.api<{ statusCode: number }>('GET', '/api/server/debug/cpu?seconds=1');
    assert.equal(second.status, 409, 'a second profile waits for the first');
    const profile = await first;
    assert.equal(profile.status, 200);
    assert.match(profile.headers.get('content-disposition') ?? '', /\.cpuprofile"/);
    assert.ok(profile.body.nodes.length > 10, 'the profile has call-tree nodes');
    assert.ok(profile.body.endTime - profile.body.startTime >= 900_000, 'it covers the second asked for (microseconds)');
    assert.equal((await sandbox.zapd.api('GET', '/api/server/debug/cpu?seconds=0')).status, 400);
  });

  test('a heap snapshot, and neither download without an admin key', async () => {
    const response = await fetch(`${sandbox.zapd.url}/api/server/debug/heapsnapshot`, { headers: { 'x-api-key': 'test-api-key-0123456789' } });
    assert.equal(response.status, 200);
    const text = await response.text();
    assert.ok(text.startsWith('{"snapshot":'), text.slice(0, 40));
    assert.doesNotThrow(() => JSON.parse(text), 'a whole snapshot');
    for (const path of ['/api/server/debug/heapsnapshot', '/api/server/debug/cpu?seconds=1']) assert.equal((await fetch(`${sandbox.zapd.url}${path}`)).status, 401);
    assert.equal((await sandbox.zapd.api('POST', '/api/sessions', { name: 'default' })).status, 201);
    const key = await sandbox.zapd.api<{ key: string }>('POST', '/api/keys', { session: 'default' });
    assert.equal(key.status, 201, JSON.stringify(key.body));
    assert.equal((await fetch(`${sandbox.zapd.url}/api/server/debug/cpu?seconds=1`, { headers: { 'x-api-key': key.body.key } })).status, 403, 'a session key may not');
  });
});
