// Without a key, no spelling of a protected path reaches its handler: every operation of the served
// OpenAPI document, under percent-encoded letters (lower- and upper-case escapes), encoded slashes,
// `//`, trailing slashes, dot segments, `;x` parameters and absolute-form targets, and the WebSocket
// under the same spellings. Each spelling is also sent with the key, to show it does reach a route.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startZapdProcess } from './support/process.ts';
import { rawRequest } from './support/raw-http.ts';
import { startSandbox, TEST_API_KEY, type Sandbox } from './support/zapd.ts';

const encodeChar = (char: string, upper: boolean) => {
  const hex = char.charCodeAt(0).toString(16);
  return `%${upper ? hex.toUpperCase() : hex.toLowerCase()}`;
};

/** The ways a client may spell `path` that a router could still take for it. */
function spellings(path: string, port: number): string[] {
  const [, first = '', ...rest] = path.split('/');
  const tail = rest.length > 0 ? `/${rest.join('/')}` : '';
  const variants = new Set<string>();
  for (let index = 0; index < first.length; index += 1) {
    for (const upper of [false, true]) variants.add(`/${first.slice(0, index)}${encodeChar(first[index] ?? '', upper)}${first.slice(index + 1)}${tail}`);
  }
  const lastLetter = /[a-z](?=[^a-z]*$)/i.exec(path);
  if (lastLetter) variants.add(`${path.slice(0, lastLetter.index)}${encodeChar(lastLetter[0], true)}${path.slice(lastLetter.index + 1)}`);
  if (rest.length > 0) variants.add(`/${first}%2F${rest.join('/')}`, ).add(`/${first}%2f${rest.join('/')}`);
  variants
    .add(`/${path}`)
    .add(`${path}/`)
    .add(`/./${first}${tail}`)
    .add(`/x/../${first}${tail}`)
    .add(`/${first}/.${tail}`)
    .add(`/${first};x${tail}`)
    .add(`${path};x`)
    .add(`http://127.0.0.1:${port}${path}`)
    .add(`http://127.0.0.1:${port}/%${first.charCodeAt(0).toString(16)}${first.slice(1)}${tail}`);
  return [...variants];
}

const STOP_PATH = '/api/server/stop';

interface Operation {
  method: string;
  path: string;
}

describe('the API key holds on every spelling of every path', () => {
  let sandbox: Sandbox;
  let port = 0;
  let operations: Operation[] = [];
  before(async () => {
    sandbox = await startSandbox();
    await sandbox.linkSession('default', '15550007070');
    port = Number(new URL(sandbox.zapd.url).port);
    const document = (await (await fetch(`${sandbox.zapd.url}/docs/json`)).json()) as {
      paths: Record<string, Record<string, { security?: unknown[] }>>;
    };
    operations = Object.entries(document.paths).flatMap(([path, byMethod]) =>
      Object.entries(byMethod)
        .filter(([, operation]) => !(Array.isArray(operation.security) && operation.security.length === 0))
        .map(([method]) => ({ method: method.toUpperCase(), path }))
        // A bypass of server/stop would end this very process, which the runner reads as a pass:
        // it is attacked in a process of its own below.
        .filter((operation) => operation.path !== STOP_PATH),
    );
  });
  after(async () => {
    await sandbox.close();
  });

  const concrete = (path: string) =>
    path
      .replace('{session}', 'default')
      .replace(/\{chatId\}|\{contactId\}|\{id\}/g, '15550007071@c.us')
      .replace(/\{[^}]+\}/g, 'x1');

  test('no operation answers 2xx, or opens, without a key', async () => {
    assert.ok(operations.length > 100, `the document lists the operations (${operations.length})`);
    const reachedWithKey = new Set<string>();
    const failures: string[] = [];
    const jobs = operations.flatMap(({ method, path }) =>
      spellings(concrete(path), port).map((target) => async () => {
        const body = method === 'GET' || method === 'DELETE' ? undefined : '{}';
        const headers: Record<string, string> = body === undefined ? {} : { 'content-type': 'application/json' };
        const denied = await rawRequest(port, method, target, headers, body);
        const routerRefusal = (denied.status === 404 && denied.body.includes('"Route ')) || denied.status === 400;
        if (denied.status !== 401 && !routerRefusal) failures.push(`${method} ${target} without a key → ${denied.status} ${denied.body.slice(0, 120)}`);
        // The debug downloads take seconds each (a CPU profile, a heap snapshot): not sent with the key.
        if (method === 'GET' && denied.status === 401 && !path.includes('/debug/')) {
          const allowed = await rawRequest(port, method, target, { 'x-api-key': TEST_API_KEY });
          if (allowed.status !== 401) reachedWithKey.add(target);
        }
      }),
    );
    for (let start = 0; start < jobs.length; start += 16) await Promise.all(jobs.slice(start, start + 16).map((job) => job()));
    assert.deepEqual(failures, []);
    // The spellings that reach a route with the key are the ones the router folds: they must exist,
    // or this test would prove nothing about them.
    for (const folded of ['/%61pi/sessions', '/a%70i/sessions', '/ap%69/sessions', `http://127.0.0.1:${port}/api/sessions`]) {
      assert.ok(reachedWithKey.has(folded), `${folded} reaches a route with the key`);
    }
  });

  test('the WebSocket opens only with a key, under every spelling', async () => {
    const upgrade = { Upgrade: 'websocket', Connection: 'Upgrade', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==' };
    let opened = 0;
    for (const target of [...spellings('/ws', port), '/ws?session=*', '/%77s?session=*&events=*']) {
      const denied = await rawRequest(port, 'GET', target, upgrade);
      assert.notEqual(denied.status, 101, `${target} opened without a key`);
      const withKey = await rawRequest(port, 'GET', `${target}${target.includes('?') ? '&' : '?'}x-api-key=${TEST_API_KEY}`, upgrade);
      if (withKey.status === 101) opened += 1;
    }
    assert.ok(opened >= 2, 'the plain and the encoded spelling open with the key');
  });
});

test('no spelling of POST /api/server/stop stops a zapd process without a key', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'zapd-bypass-'));
  const zapd = await startZapdProcess({ ZAPD_DATA_DIR: dataDir, ZAPD_API_KEY: TEST_API_KEY, ZAPD_LOG_LEVEL: 'warn' });
  try {
    const port = Number(new URL(zapd.url).port);
    for (const target of spellings(STOP_PATH, port)) {
      const answer = await rawRequest(port, 'POST', target, { 'content-type': 'application/json' }, '{}');
      assert.ok(answer.status === 401 || answer.status === 404 || answer.status === 400, `${target} → ${answer.status}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(zapd.child.exitCode, null, `zapd is still running; its output:\n${zapd.output}`);
    assert.equal((await fetch(`${zapd.url}/ping`)).status, 200);
  } finally {
    zapd.child.kill('SIGKILL');
    await zapd.exited;
    rmSync(dataDir, { recursive: true, force: true });
  }
});
