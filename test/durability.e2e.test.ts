// kill -9 in the middle of a burst of inbound messages must not lose a single webhook event.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startSimulator } from '../sim/index.ts';
import { freePort, startZapdProcess, type ZapdProcess } from './support/process.ts';
import { keyedApi, processTestEnv, simulatorAdmin } from './support/process-rig.ts';
import { startReceiver } from './support/receiver.ts';
import { waitFor } from './support/wait.ts';

const ME = '15550005000';
const FRAN = '15550005001';
const TOTAL = 1000;

test(`SIGKILL during ${TOTAL} inbound messages: every message event is delivered at least once`, { timeout: 170_000 }, async () => {
  const simulator = await startSimulator({ port: 0 });
  const receiver = await startReceiver();
  const dataDir = mkdtempSync(join(tmpdir(), 'zapd-durability-'));
  // The same port across restarts: the webhook receiver and the test's calls keep one base URL.
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env = processTestEnv({ dataDir, port, waUrl: simulator.wsUrl, hookUrl: receiver.url, hookEvents: 'message' });
  let zapd: ZapdProcess | undefined;
  const start = async () => {
    zapd = await startZapdProcess(env, { echo: Boolean(process.env.DURABILITY_LOG) });
  };
  const { api, status } = keyedApi(base);
  const admin = simulatorAdmin(simulator.httpUrl);
  try {
    await start();
    assert.equal((await api('POST', '/api/sessions', { name: 'main' })).status, 201);
    await waitFor('QR', async () => (await status()) === 'SCAN_QR_CODE');
    const qr = (await (await api('GET', '/api/main/auth/qr?format=raw')).json()) as { value: string };
    await simulator.scan(qr.value, ME);
    await waitFor('WORKING', async () => (await status()) === 'WORKING', 20_000);
    await admin('/accounts', { phone: FRAN, pushName: 'Fran' });

    const sentIds: string[] = [];
    let killed = false;
    for (let index = 0; index < TOTAL; index += 10) {
      const batch = await Promise.all(Array.from({ length: 10 }, (_, offset) => admin<{ id: string }>(`/accounts/${FRAN}/send`, { to: ME, text: `burst ${index + offset}` })));
      sentIds.push(...batch.map((sent) => sent.id));
      if (!killed && index >= 300) {
        // Mid-stream: some events are out, many messages are in flight or still arriving.
        await waitFor('the first webhook events', () => receiver.events('message').length >= 20, 30_000);
        zapd?.child.kill('SIGKILL');
        killed = true;
      }
    }
    assert.ok(killed, 'zapd was killed mid-burst');
    // The messages sent while zapd was down arrive as one backlog at login; kill it again while it
    // works through that backlog, when many messages are between WhatsApp and the store.
    await start();
    const before = receiver.events('message').length;
    await waitFor('the backlog to start flowing', () => receiver.events('message').length >= before + 30, 60_000, 5);
    zapd?.child.kill('SIGKILL');
    await start();
    const wanted = new Set(sentIds.map((id) => `false_${FRAN}@c.us_${id}`));
    await waitFor(
      `all ${TOTAL} message events`,
      () => {
        const seen = new Set(receiver.events('message').map((event) => String(event.payload.id)));
        return [...wanted].every((id) => seen.has(id));
      },
      120_000,
      200,
    );
    const seen = new Set(receiver.events('message').map((event) => String(event.payload.id)));
    assert.equal([...wanted].filter((id) => !seen.has(id)).length, 0);
  } finally {
    zapd?.child.kill('SIGKILL');
    await simulator.stop();
    await receiver.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
