// Each sink against the machine's real broker: what arrives (body, key, id), duplicates dropped
// where the broker can, a broker taken away (through a TCP proxy) failing publishes within the
// timeout without crashing anything, and the sink reconnecting once it is back.
import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import { after, describe, test } from 'node:test';
import pino from 'pino';
import { NATS_PORT, natsUrl, RABBITMQ_PORT, rabbitmqUrl, readNats, readRabbitMq, readRedis, REDIS_PORT, redisUrl, uniqueName, type BrokerReader } from '../../../test/support/brokers.ts';
import { startTcpProxy } from '../../../test/support/tcp-proxy.ts';
import { waitFor } from '../../../test/support/wait.ts';
import { NatsSink } from './nats.ts';
import { RabbitMqSink } from './rabbitmq.ts';
import { RedisSink } from './redis.ts';
import { routingToken, type Sink, type SinkMessage } from './sink.ts';

const logger = pino({ level: 'silent' });
const TIMEOUT = 3000;

interface Case {
  name: string;
  port: number;
  make(url: string, name: string): Sink;
  url(port: number): string;
  read(name: string): Promise<BrokerReader>;
  /** The key the broker shows for the message (routing key, subject, event field). */
  key(message: SinkMessage, name: string): string;
  /** The broker drops a second publish with the same event id. */
  dedupes: boolean;
}

const cases: Case[] = [
  {
    name: 'rabbitmq',
    port: RABBITMQ_PORT,
    make: (url, name) => new RabbitMqSink({ url, exchange: name, logger, connectTimeoutMs: TIMEOUT }),
    url: rabbitmqUrl,
    read: readRabbitMq,
    key: (message) => `${routingToken(message.session)}.${message.event}`,
    dedupes: false,
  },
  {
    name: 'nats',
    port: NATS_PORT,
    make: (url, name) => new NatsSink({ url, stream: name, subjectPrefix: name, logger, connectTimeoutMs: TIMEOUT }),
    url: natsUrl,
    read: readNats,
    key: (message, name) => `${name}.${routingToken(message.session)}.${message.event}`,
    dedupes: true,
  },
  {
    name: 'redis',
    port: REDIS_PORT,
    make: (url, name) => new RedisSink({ url, stream: name, maxLen: 1000, logger, connectTimeoutMs: TIMEOUT }),
    url: redisUrl,
    read: readRedis,
    key: (message) => message.event,
    dedupes: false,
  },
];

const message = (index: number, session = 'main'): SinkMessage => ({
  id: `evt_${index}_${uniqueName('id')}`,
  session,
  event: 'message.any',
  body: JSON.stringify({ id: `evt_${index}`, event: 'message.any', session, payload: { body: `hello ${index} ✓` } }),
});

test('routing tokens keep API session names and escape separators and wildcards reversibly', () => {
  assert.equal(routingToken('main_1-a'), 'main_1-a');
  assert.equal(routingToken('a.b*c>d#e f'), 'a%2Eb%2Ac%3Ed%23e%20f');
  assert.equal(routingToken('50%'), '50%25');
  assert.equal(decodeURIComponent(routingToken('ü.😀')), 'ü.😀');
});

for (const each of cases) {
  describe(`${each.name} sink`, () => {
    const cleanups: Array<() => Promise<void>> = [];
    after(async () => {
      for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    });

    test('publishes the body unchanged, keyed by session and event, with the event id', async () => {
      const name = uniqueName(`zapd_test_${each.name}`);
      const reader = await each.read(name);
      cleanups.push(() => reader.cleanup());
      const sink = each.make(each.url(each.port), name);
      cleanups.push(() => sink.close());
      const first = message(1);
      const odd = message(2, 'odd.name*>');
      await sink.publish(first, TIMEOUT);
      await sink.publish(odd, TIMEOUT);
      // At least once: a retry may publish the same event again.
      await sink.publish(first, TIMEOUT);
      const arrived = await waitFor('the messages', async () => {
        const messages = await reader.messages();
        return messages.length >= (each.dedupes ? 2 : 3) && messages;
      });
      assert.deepEqual(
        arrived.map((entry) => ({ key: entry.key, body: entry.body, id: entry.id })),
        [first, odd, ...(each.dedupes ? [] : [first])].map((sent) => ({ key: each.key(sent, name), body: sent.body, id: sent.id })),
      );
      if (each.name === 'rabbitmq') assert.deepEqual(arrived[0]?.extra, { deliveryMode: '2', contentType: 'application/json', type: 'message.any' });
      if (each.name === 'redis' || each.name === 'nats') assert.equal(arrived[1]?.extra.session, 'odd.name*>');
    });

    test('a broker that is away fails publishes within the timeout, and the sink reconnects once it is back', async () => {
      const name = uniqueName(`zapd_test_${each.name}`);
      const reader = await each.read(name);
      cleanups.push(() => reader.cleanup());
      const proxy = await startTcpProxy(each.port);
      cleanups.push(() => proxy.close());
      const sink = each.make(each.url(proxy.port), name);
      cleanups.push(() => sink.close());
      await sink.publish(message(1), TIMEOUT);
      proxy.cut();
      for (let attempt = 0; attempt < 3; attempt++) {
        const started = performance.now();
        await assert.rejects(sink.publish(message(100 + attempt), 1000));
        assert.ok(performance.now() - started < 2500, 'the failure came within the timeout');
      }
      proxy.restore();
      const back = message(2);
      await waitFor('a publish to succeed again', () => sink.publish(back, 1000).then(() => true), 15_000, 200);
      const arrived = await waitFor('the messages', async () => {
        const messages = await reader.messages();
        return messages.some((entry) => entry.id === back.id) && messages;
      });
      assert.ok(arrived.some((entry) => entry.body === back.body));
      assert.ok(proxy.connections >= 2, 'the sink opened a new connection');
    });

    test('a server that never answers fails a publish within the timeout', async () => {
      const silent: Socket[] = [];
      const server = createServer((socket) => {
        silent.push(socket);
        socket.on('error', () => undefined);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      cleanups.push(async () => {
        for (const socket of silent) socket.destroy();
        await new Promise((resolve) => server.close(resolve));
      });
      const address = server.address();
      assert.ok(address && typeof address === 'object');
      const sink = each.make(each.url(address.port), uniqueName('zapd_test_silent'));
      cleanups.push(() => sink.close());
      const started = performance.now();
      await assert.rejects(sink.publish(message(1), 800));
      assert.ok(performance.now() - started < 2000, 'the publish gave up within its timeout');
    });
  });
}

test('a NATS stream deleted while zapd runs is created again on the next attempts', async () => {
  const name = uniqueName('zapd_test_nats_gone');
  const sink = new NatsSink({ url: natsUrl(), stream: name, subjectPrefix: name, logger, connectTimeoutMs: TIMEOUT });
  let reader = await readNats(name);
  try {
    await sink.publish(message(1), TIMEOUT);
    await reader.cleanup();
    reader = await readNats(name);
    const again = message(2);
    await waitFor('a publish to land in a new stream', () => sink.publish(again, 1000).then(() => true), 10_000, 100);
    assert.deepEqual((await reader.messages()).map((entry) => entry.id), [again.id]);
  } finally {
    await sink.close();
    await reader.cleanup();
  }
});
