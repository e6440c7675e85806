import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import Fastify from 'fastify';
import { registerDrain } from './drain.ts';

test('a draining server answers the requests in flight, refuses new ones with 503, then is idle', async () => {
  const app = Fastify({ forceCloseConnections: true });
  const drain = registerDrain(app);
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  app.get('/slow', async () => {
    await held;
    return { done: true };
  });
  app.get('/quick', async () => ({ quick: true }));
  await app.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  try {
    const inFlight = fetch(`${base}/slow`);
    // The slow request has reached its handler before the drain begins.
    await new Promise((resolve) => setTimeout(resolve, 100));
    let drained = false;
    const draining = drain.drain(10_000).then(() => (drained = true));
    const refused = await fetch(`${base}/quick`);
    assert.equal(refused.status, 503);
    assert.equal(((await refused.json()) as { statusCode: number }).statusCode, 503);
    assert.equal(refused.headers.get('connection'), 'close');
    assert.equal(drained, false, 'still waiting for the request in flight');
    release();
    const answered = await inFlight;
    assert.equal(answered.status, 200);
    assert.deepEqual(await answered.json(), { done: true });
    await draining;
    assert.equal(drained, true);
  } finally {
    release();
    await app.close();
  }
});

test('a drain gives up waiting after its time', async () => {
  const app = Fastify({ forceCloseConnections: true });
  const drain = registerDrain(app);
  app.get('/never', () => new Promise(() => {}));
  await app.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const stuck = fetch(`${base}/never`).catch(() => undefined);
  await new Promise((resolve) => setTimeout(resolve, 100));
  const started = Date.now();
  await drain.drain(400);
  assert.ok(Date.now() - started < 3_000);
  await app.close();
  await stuck;
});
