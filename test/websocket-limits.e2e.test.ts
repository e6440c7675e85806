// /ws under hostile clients: one that never reads is disconnected once its queue passes the limit
// (while a client that reads gets everything), and with ZAPD_WS_ALLOWED_ORIGINS set, a browser page
// from another origin cannot open the socket.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import { waitFor } from './support/wait.ts';
import { startSandbox, TEST_API_KEY, type Sandbox } from './support/zapd.ts';

const ME = '15550004000';
const LOUD = '15550004001';
const ALLOWED = 'https://app.example.com';
const LIMIT = 1024 * 1024;

describe('WebSocket limits', () => {
  let sandbox: Sandbox;
  const wsUrl = () => `${sandbox.zapd.url.replace('http', 'ws')}/ws?session=main&events=message&x-api-key=${TEST_API_KEY}`;
  /** Resolves with the HTTP status of a refused upgrade, or 101 when the socket opened. */
  const upgrade = (headers: Record<string, string>) =>
    new Promise<number>((resolve, reject) => {
      const socket = new WebSocket(wsUrl(), { headers });
      socket.once('open', () => {
        socket.close();
        resolve(101);
      });
      socket.once('unexpected-response', (_request, response) => {
        resolve(response.statusCode ?? 0);
        socket.terminate();
      });
      socket.once('error', (error) => reject(error));
    });

  before(async () => {
    sandbox = await startSandbox('sqlite', { ZAPD_WS_MAX_BUFFERED_BYTES: String(LIMIT), ZAPD_WS_ALLOWED_ORIGINS: `${ALLOWED}/, http://localhost:5173` });
    await sandbox.linkSession('main', ME);
    await sandbox.admin('POST', '/accounts', { phone: LOUD, pushName: 'Loud' });
  });
  after(async () => {
    await sandbox.close();
  });

  test('a client that never reads is closed; a client that reads gets every event', async () => {
    const reader = new WebSocket(wsUrl());
    const stalled = new WebSocket(wsUrl());
    await Promise.all([reader, stalled].map((socket) => new Promise((resolve) => socket.once('open', resolve))));
    let readerGot = 0;
    let stalledGot = 0;
    reader.on('message', () => readerGot++);
    stalled.on('message', () => stalledGot++);
    const stalledClosed = new Promise<number>((resolve) => stalled.once('close', (code) => resolve(code)));
    // Stop reading: what the server sends piles up in the kernel buffers, then in zapd's queue.
    stalled.pause();

    const total = 400;
    const text = 'x'.repeat(32 * 1024);
    await sandbox.admin('POST', '/burst', { rate: 2000, messages: Array.from({ length: total }, (_, index) => ({ from: LOUD, to: `${ME}@c.us`, text: `${index} ${text}` })) });
    await waitFor('the reading client to get every message', () => readerGot >= total, 60_000);

    stalled.resume();
    const code = await Promise.race([stalledClosed, new Promise<string>((resolve) => setTimeout(() => resolve('still open'), 15_000))]);
    assert.ok(code === 1013 || code === 1006, `the stalled client was closed (got ${code})`);
    assert.ok(stalledGot < total, `the stalled client was cut off before the end (${stalledGot} of ${total})`);
    assert.equal(reader.readyState, WebSocket.OPEN, 'the client that reads stays connected');
    reader.close();
  });

  test('ZAPD_WS_ALLOWED_ORIGINS: listed origins and non-browser clients may connect, others get 403', async () => {
    assert.equal(await upgrade({ origin: ALLOWED }), 101);
    assert.equal(await upgrade({ origin: 'HTTP://LOCALHOST:5173' }), 101);
    assert.equal(await upgrade({}), 101);
    assert.equal(await upgrade({ origin: 'https://evil.example' }), 403);
    assert.equal(await upgrade({ origin: 'https://app.example.com.evil.example' }), 403);
    assert.equal(await upgrade({ origin: 'null' }), 403);
    // The API key check still comes first.
    const unauthenticated = await new Promise<number>((resolve) => {
      const socket = new WebSocket(wsUrl().replace(TEST_API_KEY, 'wrong'), { headers: { origin: 'https://evil.example' } });
      socket.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
      socket.once('error', () => resolve(-1));
    });
    assert.equal(unauthenticated, 401);
  });
});
