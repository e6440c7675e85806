// bench sinks: N messages from virtual contacts to one session whose events go to RabbitMQ, NATS
// JetStream and Redis Streams (the machine's brokers, under names of this run, removed after) and
// to one fast webhook, all from the same outbox. Prints, per sink, events/s from the first release
// to the last arrival, and the lag: how long after the simulator released the last message the
// sink had every event. Arrival times are the broker's clock for NATS and Redis; for RabbitMQ,
// when its queue was seen to hold them all (polled every 50 ms).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config.ts';
import { startServer } from '../src/server.ts';
import { natsUrl, rabbitmqUrl, readNats, readRabbitMq, readRedis, redisUrl, uniqueName, type BrokerMessage, type BrokerReader } from '../test/support/brokers.ts';
import { linkSession } from './link.ts';
import { profiled } from './profile.ts';
import { spawnReceiver } from './receiver-process.ts';
import { spawnSimulator } from './simulator-process.ts';
import { fmt } from './stats.ts';

const COUNT = Number(process.env.BENCH_COUNT ?? 5_000);
const CONTACTS = Number(process.env.BENCH_CONTACTS ?? 20);
const RATE = Number(process.env.BENCH_RATE ?? 1000);
const KEY = 'bench-key';
const LABEL = 'burst';

const name = uniqueName('zapd_bench');
const readers: Record<string, BrokerReader> = { rabbitmq: await readRabbitMq(name, { consumeLater: true }), nats: await readNats(name), redis: await readRedis(name) };
const simulator = await spawnSimulator();
const webhook = await spawnReceiver();
const dataDir = mkdtempSync(join(tmpdir(), 'zapd-bench-'));
const server = await startServer(
  loadConfig({
    ZAPD_DATA_DIR: dataDir,
    PORT: '0',
    ZAPD_HOST: '127.0.0.1',
    ZAPD_API_KEY: KEY,
    ZAPD_LOG_LEVEL: 'silent',
    ZAPD_WA_URL: simulator.wsUrl,
    ZAPD_EVENTS_RABBITMQ_URL: rabbitmqUrl(),
    ZAPD_EVENTS_RABBITMQ_EXCHANGE: name,
    ZAPD_EVENTS_RABBITMQ_EVENTS: 'message',
    ZAPD_EVENTS_NATS_URL: natsUrl(),
    ZAPD_EVENTS_NATS_STREAM: name,
    ZAPD_EVENTS_NATS_SUBJECT_PREFIX: name,
    ZAPD_EVENTS_NATS_EVENTS: 'message',
    ZAPD_EVENTS_REDIS_URL: redisUrl(),
    ZAPD_EVENTS_REDIS_STREAM: name,
    ZAPD_EVENTS_REDIS_EVENTS: 'message',
  }),
);
await linkSession(server.url, KEY, simulator, 'bench', '15550050000', { webhooks: [{ url: webhook.url, events: ['message'] }] });
const contact = (index: number) => `1555005${String(1000 + index).padStart(4, '0')}`;
for (let index = 0; index < CONTACTS; index++) await simulator.admin('/accounts', { phone: contact(index) });

const messages = Array.from({ length: COUNT }, (_, k) => ({ from: contact(k % CONTACTS), to: '15550050000', text: `${LABEL} ${k}` }));
const { sentAt } = await profiled('sinks', async () => (await simulator.admin('/burst', { rate: RATE, messages })) as { sentAt: Array<number | null> });
const firstSent = Math.min(...sentAt.map((at) => at ?? Infinity));
const lastSent = Math.max(...sentAt.map((at) => at ?? 0));

/** Each burst message's first arrival (epoch ms) at a sink, keyed by message id. */
function arrivals(received: BrokerMessage[]): Map<string, number> {
  const first = new Map<string, number>();
  for (const message of received) {
    const envelope = JSON.parse(message.body) as { event?: string; payload?: { id?: string; body?: string } };
    const id = envelope.payload?.id;
    if (envelope.event !== 'message' || !id || !envelope.payload?.body?.startsWith(`${LABEL} `) || first.has(id)) continue;
    first.set(id, message.at);
  }
  return first;
}

/**
 * Waits (one cheap count a poll, so that reading does not compete with zapd for this process's
 * CPU) until a sink holds every message, then reads them all once. The last arrival is the
 * broker's timestamp where it keeps one (NATS, Redis), else when the count was seen complete.
 */
async function completion(sink: string, reader: BrokerReader): Promise<{ lastAt: number; got: number }> {
  const deadline = performance.now() + 600_000;
  while ((await reader.count()) < COUNT && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  const seenAt = Date.now();
  const seen = arrivals(await reader.messages());
  return { lastAt: sink === 'rabbitmq' ? seenAt : Math.max(...seen.values()), got: seen.size };
}

console.log(`sinks n=${COUNT} from ${CONTACTS} contacts, released at ${RATE} msg/s over ${fmt((lastSent - firstSent) / 1000, 2)} s`);
let delivered = 0;
let lastOfAll = 0;
for (const [sink, reader] of Object.entries(readers)) {
  const { lastAt, got } = await completion(sink, reader);
  delivered += got;
  lastOfAll = Math.max(lastOfAll, lastAt);
  const seconds = (lastAt - firstSent) / 1000;
  console.log(`${sink.padEnd(8)}: ${got} of ${COUNT} (lost ${COUNT - got}), ${fmt(got / seconds)} events/s, lag after the last message ${fmt((lastAt - lastSent) / 1000, 2)} s`);
}
let hooked = await webhook.arrivals(LABEL);
for (const deadline = performance.now() + 60_000; hooked.size < COUNT && performance.now() < deadline; hooked = await webhook.arrivals(LABEL)) await new Promise((resolve) => setTimeout(resolve, 200));
console.log(`webhook : ${hooked.size} of ${COUNT}, ${fmt(hooked.size / ((Math.max(...hooked.values()) - firstSent) / 1000))} events/s, lag after the last message ${fmt((Math.max(...hooked.values()) - lastSent) / 1000, 2)} s`);
delivered += hooked.size;
lastOfAll = Math.max(lastOfAll, ...hooked.values());
// Each event is one outbox row per receiver: the sum is what the outbox and dispatcher carried.
console.log(`outbox: ${delivered} deliveries to 4 receivers, ${fmt(delivered / ((lastOfAll - firstSent) / 1000))} deliveries/s together (a sink keeping pace with the webhook is not held back by its broker)`);
await server.stop();
await webhook.stop();
await simulator.stop();
for (const reader of Object.values(readers)) await reader.cleanup();
rmSync(dataDir, { recursive: true, force: true });
process.exit(0);
