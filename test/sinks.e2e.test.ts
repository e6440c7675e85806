// 1,000 inbound messages reach RabbitMQ, NATS JetStream and Redis Streams (the machine's real
// brokers), each event at least once and each chat in order, although all three brokers are taken
// away from zapd for 10 s mid-stream (a TCP proxy is cut; the shared brokers keep running).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NATS_PORT, natsUrl, RABBITMQ_PORT, rabbitmqUrl, readNats, readRabbitMq, readRedis, REDIS_PORT, redisUrl, uniqueName, type BrokerReader } from './support/brokers.ts';
import { startReceiver } from './support/receiver.ts';
import { assertInOrderPerChat, burstCount, distinctEvents } from './support/sink-checks.ts';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy.ts';
import { waitFor } from './support/wait.ts';
import { startSandbox, storeBackends, type Sandbox } from './support/zapd.ts';

const TOTAL = 1000;
const CONTACTS = 10;
const ME = '15550061000';
const LABEL = 'sink';
const contact = (index: number) => `1555006${String(2000 + index).padStart(4, '0')}`;

for (const backend of storeBackends()) {
  test(`${backend}: ${TOTAL} inbound messages reach every broker sink in order per chat, across a 10 s broker outage`, { timeout: 110_000 }, async () => {
    const name = uniqueName('zapd_e2e');
    const readers: Record<string, BrokerReader> = {};
    const proxies: TcpProxy[] = [];
    const receiver = await startReceiver();
    let sandbox: Sandbox | undefined;
    try {
      readers.rabbitmq = await readRabbitMq(name);
      readers.nats = await readNats(name);
      readers.redis = await readRedis(name);
      const [rabbit, nats, redis] = await Promise.all([startTcpProxy(RABBITMQ_PORT), startTcpProxy(NATS_PORT), startTcpProxy(REDIS_PORT)]);
      proxies.push(rabbit, nats, redis);
      sandbox = await startSandbox(backend, {
        WHATSAPP_HOOK_URL: receiver.url,
        WHATSAPP_HOOK_EVENTS: 'message',
        ZAPD_EVENTS_RABBITMQ_URL: rabbitmqUrl(rabbit.port),
        ZAPD_EVENTS_RABBITMQ_EXCHANGE: name,
        ZAPD_EVENTS_RABBITMQ_EVENTS: 'message',
        ZAPD_EVENTS_NATS_URL: natsUrl(nats.port),
        ZAPD_EVENTS_NATS_STREAM: name,
        ZAPD_EVENTS_NATS_SUBJECT_PREFIX: name,
        ZAPD_EVENTS_NATS_EVENTS: 'message',
        ZAPD_EVENTS_REDIS_URL: redisUrl(redis.port),
        ZAPD_EVENTS_REDIS_STREAM: name,
        ZAPD_EVENTS_REDIS_EVENTS: 'message',
        ZAPD_EVENTS_PUBLISH_TIMEOUT_SECONDS: '2',
      });
      const box = sandbox;
      await box.linkSession('main', ME);
      for (let index = 0; index < CONTACTS; index++) await box.admin('POST', '/accounts', { phone: contact(index) });
      const messages = Array.from({ length: TOTAL }, (_, k) => ({ from: contact(k % CONTACTS), to: ME, text: `${LABEL} ${k}` }));
      const burst = box.admin('POST', '/burst', { rate: 250, messages });

      const counts = async () => Object.fromEntries(await Promise.all(Object.entries(readers).map(async ([sink, reader]) => [sink, burstCount(distinctEvents(await reader.messages()), LABEL)] as const)));
      await waitFor('the first events at every sink', async () => Object.values(await counts()).every((count) => count >= 30), 60_000, 100);
      for (const proxy of proxies) proxy.cut();
      const webhookAtCut = receiver.events('message').length;
      await new Promise((resolve) => setTimeout(resolve, 10_000));
      const atRestore = await counts();
      // Held in the outbox meanwhile, listed beside webhook rows (what the dashboard shows).
      const pending = await box.zapd.api<Array<{ url: string; kind: string }>>('GET', '/api/server/webhooks/deliveries?status=pending&limit=500');
      for (const target of [`rabbitmq:${name}`, `nats:${name}`, `redis:${name}`]) {
        // Newest first: the lane heads, which carry the last error, are the oldest rows.
        assert.ok(pending.body.some((row) => row.url === target && row.kind === target.split(':')[0]), `${target} has rows waiting`);
      }
      assert.ok(receiver.events('message').length > webhookAtCut + 100, 'webhooks went on while the brokers were away');
      for (const proxy of proxies) proxy.restore();
      await burst;

      await waitFor(`all ${TOTAL} message events at every sink`, async () => Object.values(await counts()).every((count) => count === TOTAL), 70_000, 250);
      const webhookEvents = distinctEvents(receiver.requests.map((request) => ({ key: '', id: request.body.id, body: request.raw, extra: {}, at: 0 })));
      const webhookBodies = new Map(receiver.requests.map((request) => [request.body.id, request.raw]));
      for (const [sink, reader] of Object.entries(readers)) {
        const events = distinctEvents(await reader.messages());
        assert.ok(atRestore[sink]! < TOTAL, `${sink} was still behind when its broker came back`);
        assertInOrderPerChat(sink, events, webhookEvents);
        for (const { message, envelope } of events) {
          // The body is the webhook envelope, byte for byte, with the same event id.
          assert.equal(message.body, webhookBodies.get(envelope.id), `${sink} body of ${envelope.id}`);
          assert.equal(message.id, envelope.id);
        }
      }
    } finally {
      await sandbox?.close();
      for (const proxy of proxies) await proxy.close();
      for (const reader of Object.values(readers)) await reader.cleanup();
      await receiver.close();
    }
  });
}
