// Which failures mean "the database is out of reach for a moment" (retried, answered 503), and
// which mean a wrong query (thrown at once).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import Fastify from 'fastify';
import { registerErrorHandling } from '../http/plugins/errors.ts';
import { isStoreUnavailable, retryWhileUnavailable } from './unavailable.ts';

const withCode = (code: string, message = 'failed') => Object.assign(new Error(message), { code });

test('lost connections are told apart from wrong queries', () => {
  for (const code of ['57P01', '57P02', '57P03', '08006', '08003', '08P01', 'ECONNRESET', 'ECONNREFUSED', 'SQLITE_BUSY']) assert.equal(isStoreUnavailable(withCode(code)), true, code);
  assert.equal(isStoreUnavailable(new Error('Connection terminated unexpectedly')), true);
  assert.equal(isStoreUnavailable(new Error('Client has encountered a connection error and is not queryable')), true);
  assert.equal(isStoreUnavailable(new Error('wrapped', { cause: withCode('57P01') })), true);
  for (const code of ['22021', '23505', '42P01', 'SQLITE_CONSTRAINT']) assert.equal(isStoreUnavailable(withCode(code)), false, code);
  assert.equal(isStoreUnavailable(new Error('syntax error')), false);
  assert.equal(isStoreUnavailable(undefined), false);
});

test('retries only while the store is unavailable, and gives up after its delays', async () => {
  let calls = 0;
  assert.equal(await retryWhileUnavailable(async () => (++calls < 3 ? Promise.reject(withCode('57P01')) : 'done'), [1, 1, 1]), 'done');
  assert.equal(calls, 3);

  calls = 0;
  await assert.rejects(retryWhileUnavailable(async () => Promise.reject(withCode('23505', 'duplicate')).finally(() => calls++), [1, 1]), /duplicate/);
  assert.equal(calls, 1, 'a wrong query is not retried');

  calls = 0;
  await assert.rejects(retryWhileUnavailable(async () => Promise.reject(withCode('ECONNRESET', 'reset')).finally(() => calls++), [1, 1]), /reset/);
  assert.equal(calls, 3, 'one attempt, then one per delay');

  calls = 0;
  await assert.rejects(retryWhileUnavailable(async () => Promise.reject(withCode('ECONNRESET', 'reset')).finally(() => calls++), [30, 30, 30], 50), /reset/);
  assert.equal(calls, 2, 'no retry starts after the time allowed');
});

test('an unavailable store is answered 503 with Retry-After, without its details', async () => {
  const app = Fastify();
  await registerErrorHandling(app);
  app.get('/lost', async () => {
    throw withCode('57P01', 'terminating connection due to administrator command at /var/lib/postgresql');
  });
  app.get('/broken', async () => {
    throw withCode('42P01', 'relation "x" does not exist');
  });
  const lost = await app.inject({ method: 'GET', url: '/lost' });
  assert.equal(lost.statusCode, 503);
  assert.equal(lost.headers['retry-after'], '1');
  assert.deepEqual(lost.json(), { statusCode: 503, error: 'Service Unavailable', message: 'The database is unavailable for a moment; retry shortly' });
  const broken = await app.inject({ method: 'GET', url: '/broken' });
  assert.equal(broken.statusCode, 500);
  await app.close();
});
