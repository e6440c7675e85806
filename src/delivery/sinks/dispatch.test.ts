// The dispatcher with a broker sink: a sink's rows go to the broker (the real Redis here), not over
// HTTP; a row whose sink is no longer configured stays pending, with its error, and is never dead.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import pino from 'pino';
import { readRedis, redisUrl, uniqueName } from '../../../test/support/brokers.ts';
import { waitFor } from '../../../test/support/wait.ts';
import { openStore } from '../../store/index.ts';
import { Dispatcher } from '../dispatcher.ts';
import { Outbox } from '../outbox.ts';
import { receiversFor } from '../receivers.ts';
import { closeSinks, createSinks, sinkReceivers } from './index.ts';

test('sink rows are published to their broker; rows of a sink that is gone wait with their error', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'zapd-sink-dispatch-'));
  const store = await openStore({ dataDir, logger: pino({ level: 'silent' }) });
  const key = uniqueName('zapd_test_dispatch');
  const reader = await readRedis(key);
  const settings = { redis: { url: redisUrl(), stream: key, maxLen: 100, events: ['message'] }, publishTimeoutMs: 2000 };
  const sinks = createSinks(settings, pino({ level: 'silent' }));
  const outbox = new Outbox(store.db, store.kind);
  const dispatcher = new Dispatcher({ outbox, logger: pino({ level: 'silent' }), version: 'test', sinks, publishTimeoutMs: 2000 });
  try {
    const [redis] = receiversFor('message', undefined, undefined, sinkReceivers(settings));
    assert.ok(redis);
    assert.equal(receiversFor('message.ack', undefined, undefined, sinkReceivers(settings)).length, 0, 'the sink filters events');
    const gone = { ...redis, url: 'nats:GONE', kind: 'nats' as const };
    const body = (id: string) => JSON.stringify({ id, event: 'message', session: 's', payload: {} });
    await Outbox.enqueue(store.db, [
      { eventId: 'e1', session: 's', lane: `${redis.url}|s|1@c.us`, receiver: redis, body: body('e1') },
      { eventId: 'e2', session: 's', lane: `${gone.url}|s|1@c.us`, receiver: gone, body: body('e2') },
    ]);
    dispatcher.start();
    const arrived = await waitFor('the event in Redis', async () => {
      const messages = await reader.messages();
      return messages.length > 0 && messages;
    });
    assert.deepEqual(arrived.map(({ key, body, id, extra }) => ({ key, body, id, extra })), [{ key: 'message', body: body('e1'), id: 'e1', extra: { session: 's' } }]);
    const [waiting] = await waitFor('the failed attempt', async () => {
      const rows = await outbox.list('pending', 10);
      return rows.length === 1 && rows[0]!.attempts > 0 && rows;
    });
    assert.equal(waiting?.url, 'nats:GONE');
    assert.match(waiting?.lastError ?? '', /no nats sink nats:GONE is configured/);
    assert.equal((await outbox.list('dead', 10)).length, 0);
  } finally {
    await dispatcher.stop();
    await closeSinks(sinks);
    await reader.cleanup();
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
