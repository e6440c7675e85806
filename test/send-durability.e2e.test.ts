// A send answered 201 is recorded: after kill -9 or SIGTERM in the middle of a burst of sends, every
// answered message is in the history and reached the webhooks as `message.any`, and a SIGTERM lets
// the requests in flight finish instead of resetting them.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startSimulator, type RunningSimulator } from '../sim/index.ts';
import { freePort, startZapdProcess, type ZapdProcess } from './support/process.ts';
import { keyedApi, processTestEnv } from './support/process-rig.ts';
import { startReceiver, type Receiver } from './support/receiver.ts';
import { waitFor } from './support/wait.ts';
import { freshPostgresUrl, storeBackends } from './support/zapd.ts';

const ME = '15550006000';
const DORA = '15550006001';
const DORA_CHAT = `${DORA}@c.us`;
const TOTAL = 200;
const CONCURRENCY = 16;

interface Rig {
  simulator: RunningSimulator;
  receiver: Receiver;
  start(): Promise<ZapdProcess>;
  api(method: string, path: string, body?: unknown): Promise<Response>;
  close(): Promise<void>;
}

async function rig(backend: 'sqlite' | 'postgres'): Promise<Rig> {
  const simulator = await startSimulator({ port: 0 });
  const receiver = await startReceiver();
  const dataDir = mkdtempSync(join(tmpdir(), 'zapd-send-durability-'));
  const postgres = backend === 'postgres' ? await freshPostgresUrl() : undefined;
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env = processTestEnv({ dataDir, port, waUrl: simulator.wsUrl, hookUrl: receiver.url, hookEvents: 'message.any', extra: postgres ? { DATABASE_URL: postgres.url } : {} });
  let zapd: ZapdProcess | undefined;
  const { api, status } = keyedApi(base);
  return {
    simulator,
    receiver,
    api,
    async start() {
      zapd = await startZapdProcess(env, { echo: Boolean(process.env.DURABILITY_LOG) });
      if ((await api('GET', '/api/sessions/main')).status === 404) {
        assert.equal((await api('POST', '/api/sessions', { name: 'main' })).status, 201);
        await waitFor('QR', async () => (await status()) === 'SCAN_QR_CODE', 20_000);
        const qr = (await (await api('GET', '/api/main/auth/qr?format=raw')).json()) as { value: string };
        await simulator.scan(qr.value, ME);
        const created = await fetch(`${simulator.httpUrl}/admin/accounts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ phone: DORA, pushName: 'Dora' }) });
        assert.ok(created.ok, await created.text());
      }
      await waitFor('WORKING', async () => (await status()) === 'WORKING', 30_000);
      return zapd;
    },
    async close() {
      zapd?.child.kill('SIGKILL');
      await zapd?.exited;
      await simulator.stop();
      await receiver.close();
      await postgres?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

interface Burst {
  /** Ids of the sends answered 201. */
  answered: string[];
  /** Sends whose connection failed (reset, refused) instead of answering. */
  failed: number;
  /** Why they failed: the network error codes. */
  failures: string[];
  /** Sends begun before the signal that got no answer at all (reset, closed half-way). */
  cutOff: string[];
  /** Other answers, by status. */
  statuses: Map<number, number>;
}

/**
 * `TOTAL` sends at `CONCURRENCY`; `onAnswered` sees the count of 201s so far and returns true once
 * it signalled zapd: sends begun before that are in flight, and must be answered.
 */
async function burst(api: Rig['api'], onAnswered: (count: number) => boolean): Promise<Burst> {
  let signalled = false;
  const result: Burst = { answered: [], failed: 0, failures: [], cutOff: [], statuses: new Map() };
  let next = 0;
  const worker = async () => {
    while (next < TOTAL) {
      const index = next++;
      const inFlight = !signalled;
      try {
        const response = await api('POST', '/api/sendText', { session: 'main', chatId: DORA_CHAT, text: `burst ${index}`, linkPreview: false });
        const body = (await response.json()) as { id?: string };
        if (response.status === 201 && body.id) {
          result.answered.push(body.id);
          signalled ||= onAnswered(result.answered.length);
        } else result.statuses.set(response.status, (result.statuses.get(response.status) ?? 0) + 1);
      } catch (error) {
        if (inFlight) result.cutOff.push(`burst ${index}: ${String(error)} (${String((error as { cause?: unknown }).cause)})`);
        result.failed += 1;
        const cause = (error as { cause?: { code?: string; message?: string } }).cause;
        result.failures.push(cause?.code ?? cause?.message ?? String(error));
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return result;
}

async function historyIds(api: Rig['api']): Promise<Set<string>> {
  const ids = new Set<string>();
  for (let offset = 0; ; offset += 1000) {
    const page = (await (await api('GET', `/api/main/chats/${DORA_CHAT}/messages?limit=1000&offset=${offset}&downloadMedia=false`)).json()) as Array<{ id: string }>;
    for (const message of page) ids.add(message.id);
    if (page.length < 1000) return ids;
  }
}

async function assertAllRecorded(current: Rig, answered: string[]): Promise<void> {
  assert.ok(answered.length > 0, 'some sends were answered');
  const stored = await historyIds(current.api);
  const notStored = answered.filter((id) => !stored.has(id));
  assert.equal(notStored.length, 0, `${notStored.length} of ${answered.length} answered messages are not in the history`);
  const announced = () => new Set(current.receiver.events('message.any').map((event) => String(event.payload.id)));
  await waitFor('a message.any webhook for every answered send', () => answered.every((id) => announced().has(id)), 30_000, 100).catch(() => undefined);
  const lost = answered.filter((id) => !announced().has(id));
  assert.equal(lost.length, 0, `${lost.length} of ${answered.length} answered messages had no message.any webhook`);
}

for (const backend of storeBackends()) {
  test(`kill -9 during ${TOTAL} sends at concurrency ${CONCURRENCY}: every 201 is in the history and reached the webhooks (${backend})`, { timeout: 120_000 }, async () => {
    const current = await rig(backend);
    try {
      const zapd = await current.start();
      let killed = false;
      const result = await burst(current.api, (count) => {
        if (!killed && count >= 40) {
          killed = true;
          zapd.child.kill('SIGKILL');
        }
        return killed;
      });
      assert.ok(killed, 'zapd was killed mid-burst');
      assert.ok(result.failed > 0, 'the kill cut sends off');
      await current.start();
      await assertAllRecorded(current, result.answered);
    } finally {
      await current.close();
    }
  });
}

for (const backend of storeBackends()) {
  test(`SIGTERM during ${TOTAL} sends: requests in flight are answered, every 201 is recorded, exit 0 (${backend})`, { timeout: 120_000 }, async () => {
    const current = await rig(backend);
    try {
      const zapd = await current.start();
      let stopping = false;
      const result = await burst(current.api, (count) => {
        if (!stopping && count >= 40) {
          stopping = true;
          zapd.child.kill('SIGTERM');
        }
        return stopping;
      });
      assert.equal(await zapd.exited, 0, `zapd exited cleanly; its output:\n${zapd.output}`);
      // A request begun before the signal was either handled (201) or came in after it (503), never
      // cut off half-way; later ones were refused with 503 or found the listener closed.
      assert.deepEqual(result.cutOff, [], 'every send in flight at SIGTERM was answered');
      assert.ok(result.answered.length > 40, `the sends in flight at SIGTERM were answered (${result.answered.length})`);
      assert.deepEqual([...result.statuses.keys()].filter((status) => status !== 503), [], 'later sends were refused with 503 or found the listener closed');
      await current.start();
      await assertAllRecorded(current, result.answered);
    } finally {
      await current.close();
    }
  });
}
