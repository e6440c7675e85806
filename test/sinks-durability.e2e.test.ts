// kill -9 of zapd in the middle of 1,000 inbound messages loses no event at any broker sink: the
// rows written with each event outlive the process and the restarted one publishes them.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startSimulator } from '../sim/index.ts';
import { natsUrl, rabbitmqUrl, readNats, readRabbitMq, readRedis, redisUrl, uniqueName, type BrokerReader } from './support/brokers.ts';
import { freePort, startZapdProcess, type ZapdProcess } from './support/process.ts';
import { startReceiver } from './support/receiver.ts';
import { assertInOrderPerChat, burstCount, distinctEvents } from './support/sink-checks.ts';
import { waitFor } from './support/wait.ts';

const KEY = 'sinks-durability-key';
const ME = '15550071000';
const TOTAL = 1000;
const CONTACTS = 10;
const LABEL = 'durable';
const contact = (index: number) => `1555007${String(2000 + index).padStart(4, '0')}`;

test(`SIGKILL during ${TOTAL} inbound messages: every event reaches every broker sink`, { timeout: 110_000 }, async () => {
  const name = uniqueName('zapd_kill');
  const simulator = await startSimulator({ port: 0, logLevel: 'silent' });
  const receiver = await startReceiver();
  const dataDir = mkdtempSync(join(tmpdir(), 'zapd-sinks-durability-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const readers: Record<string, BrokerReader> = {};
  const env = {
    ZAPD_DATA_DIR: dataDir,
    PORT: String(port),
    ZAPD_API_KEY: KEY,
    ZAPD_LOG_LEVEL: process.env.DURABILITY_LOG ?? 'silent',
    ZAPD_WA_URL: simulator.wsUrl,
    WHATSAPP_HOOK_URL: receiver.url,
    WHATSAPP_HOOK_EVENTS: 'message',
    ZAPD_EVENTS_RABBITMQ_URL: rabbitmqUrl(),
    ZAPD_EVENTS_RABBITMQ_EXCHANGE: name,
    ZAPD_EVENTS_NATS_URL: natsUrl(),
    ZAPD_EVENTS_NATS_STREAM: name,
    ZAPD_EVENTS_NATS_SUBJECT_PREFIX: name,
    ZAPD_EVENTS_REDIS_URL: redisUrl(),
    ZAPD_EVENTS_REDIS_STREAM: name,
  };
  let zapd: ZapdProcess | undefined;
  const start = async () => {
    zapd = await startZapdProcess(env, { echo: Boolean(process.env.DURABILITY_LOG) });
  };
  const api = async (method: string, path: string, body?: unknown) =>
    fetch(`${base}${path}`, { method, headers: { 'x-api-key': KEY, 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
  const status = async () => ((await (await api('GET', '/api/sessions/main')).json()) as { status: string }).status;
  const admin = async (path: string, body: unknown) => {
    const response = await fetch(`${simulator.httpUrl}/admin${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    assert.ok(response.ok, await response.clone().text());
    return response.json();
  };
  const counts = async () => Object.fromEntries(await Promise.all(Object.entries(readers).map(async ([sink, reader]) => [sink, burstCount(distinctEvents(await reader.messages()), LABEL)] as const)));
  try {
    readers.rabbitmq = await readRabbitMq(name);
    readers.nats = await readNats(name);
    readers.redis = await readRedis(name);
    await start();
    assert.equal((await api('POST', '/api/sessions', { name: 'main' })).status, 201);
    await waitFor('QR', async () => (await status()) === 'SCAN_QR_CODE');
    const qr = (await (await api('GET', '/api/main/auth/qr?format=raw')).json()) as { value: string };
    await simulator.scan(qr.value, ME);
    await waitFor('WORKING', async () => (await status()) === 'WORKING', 20_000);
    for (let index = 0; index < CONTACTS; index++) await admin('/accounts', { phone: contact(index) });

    const messages = Array.from({ length: TOTAL }, (_, k) => ({ from: contact(k % CONTACTS), to: ME, text: `${LABEL} ${k}` }));
    const burst = admin('/burst', { rate: 250, messages });
    // Mid-stream: some events are out at every sink, most messages are still arriving.
    await waitFor('the first events at every sink', async () => Object.values(await counts()).every((count) => count >= 50), 60_000, 20);
    zapd?.child.kill('SIGKILL');
    await zapd?.exited;
    const atKill = await counts();
    await burst;
    await start();
    await waitFor(`all ${TOTAL} message events at every sink`, async () => Object.values(await counts()).every((count) => count === TOTAL), 80_000, 250);
    const webhookEvents = distinctEvents(receiver.requests.map((request) => ({ key: '', id: request.body.id, body: request.raw, extra: {}, at: 0 })));
    for (const [sink, reader] of Object.entries(readers)) {
      assert.ok(atKill[sink]! < TOTAL, `${sink} had not got everything when zapd was killed`);
      assertInOrderPerChat(sink, distinctEvents(await reader.messages()), webhookEvents);
    }
  } finally {
    zapd?.child.kill('SIGKILL');
    await simulator.stop();
    await receiver.close();
    for (const reader of Object.values(readers)) await reader.cleanup();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
