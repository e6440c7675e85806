// bench send: N text messages to a virtual contact — raw Baileys sendMessage (the floor) against
// zapd's POST /api/sendText, both on the same simulator in the same run, sequential and with
// concurrency 16. The simulator and the receiving contact run in their own process, and each run
// waits until the contact has every message before the next starts: in one process, raw Baileys'
// writes complete synchronously, so its loop never let the simulator read and its delivery work
// landed in zapd's run. The last line is the ratio.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SimClient } from '../sim/testing/baileys-client.ts';
import { loadConfig } from '../src/config.ts';
import { startServer } from '../src/server.ts';
import { cpuMeter } from './cpu.ts';
import { spawnHttpClient } from './http-client.ts';
import { linkSession } from './link.ts';
import { profiled } from './profile.ts';
import { spawnSimulator } from './simulator-process.ts';
import { fmt, measure, type RunFigures } from './stats.ts';

const COUNT = Number(process.env.BENCH_COUNT ?? 300);
const KEY = 'bench-key';
const TARGET = '15550020001';

const simulator = await spawnSimulator();
await simulator.admin('/accounts', { phone: TARGET, pushName: 'Target' });
const received = async () => ((await (await fetch(`${simulator.httpUrl}/admin/accounts/${TARGET}/messages`)).json()) as unknown[]).length;
/** Until the contact holds `expected` messages: the run's delivery work is over before the next run. */
async function delivered(expected: number): Promise<void> {
  while ((await received()) < expected) await new Promise((resolve) => setTimeout(resolve, 50));
  await new Promise((resolve) => setTimeout(resolve, 300));
}

const raw = new SimClient({ endpoint: { wsUrl: simulator.wsUrl, rootPublicKey: simulator.rootPublicKey }, onQr: (qr) => void simulator.scan(qr, '15550020002') });
await raw.connect();

const dataDir = mkdtempSync(join(tmpdir(), 'zapd-bench-'));
const server = await startServer(loadConfig({ ZAPD_DATA_DIR: dataDir, PORT: '0', ZAPD_HOST: '127.0.0.1', ZAPD_API_KEY: KEY, ZAPD_LOG_LEVEL: 'silent', ZAPD_WA_URL: simulator.wsUrl }));
await linkSession(server.url, KEY, simulator, 'bench', '15550020003');

const jid = `${TARGET}@s.whatsapp.net`;
// After each send the floor lets the event loop turn once, as any program that also receives
// must: its socket writes complete synchronously, so a bare loop of sends never reads the server's
// acks and the contact's receipts, and would be measured without the work every client does.
const rawSend = async (index: number) => {
  await raw.socket!.sendMessage(jid, { text: `raw ${index}` });
  await new Promise((resolve) => setImmediate(resolve));
};
// zapd's client is a process of its own, as a real client would be (see http-client.ts).
const client = await spawnHttpClient();
const zapdLoad = (count: number, concurrency: number) =>
  client.run({
    url: `${server.url}/api/sendText`,
    headers: { 'x-api-key': KEY, 'content-type': 'application/json' },
    body: JSON.stringify({ session: 'bench', chatId: `${TARGET}@c.us`, text: 'zapd {{index}}' }),
    expectStatus: 201,
    count,
    concurrency,
  });

const WARM_UP = Number(process.env.BENCH_WARM_UP ?? 50);
let expected = 0;

const results: Record<string, { raw: RunFigures; zapd: RunFigures }> = {};
for (const concurrency of [1, 16]) {
  // Both paths first run unmeasured at this concurrency, so that the runs compare steady states:
  // Signal sessions and device lists set up, the code they share compiled by the JIT (whichever
  // ran first paid for it: 0.55 against 0.8), and the HTTP client's connections open (opening 15
  // at once under load held the first requests back by up to a second).
  await measure(WARM_UP, concurrency, rawSend);
  await zapdLoad(WARM_UP, concurrency);
  await delivered((expected += 2 * WARM_UP));
  // Where the two cores went in each run, delivery to the contact included.
  const rawCpu = cpuMeter({ raw: process.pid, simulator: simulator.pid });
  const rawFigures = await profiled(`send-raw-c${concurrency}`, () => measure(COUNT, concurrency, rawSend));
  await delivered((expected += COUNT));
  const rawCpuUsed = rawCpu();
  const zapdCpu = cpuMeter({ zapd: process.pid, 'http client': client.pid, simulator: simulator.pid });
  const zapdFigures = await profiled(`send-zapd-c${concurrency}`, () => zapdLoad(COUNT, concurrency));
  await delivered((expected += COUNT));
  const zapdCpuUsed = zapdCpu();
  results[`c${concurrency}`] = { raw: rawFigures, zapd: zapdFigures };
  console.log(
    `send c=${concurrency} n=${COUNT}: raw ${fmt(rawFigures.perSecond)} msg/s p50 ${fmt(rawFigures.p50, 2)} ms p99 ${fmt(rawFigures.p99, 2)} ms | ` +
      `zapd ${fmt(zapdFigures.perSecond)} msg/s p50 ${fmt(zapdFigures.p50, 2)} ms p99 ${fmt(zapdFigures.p99, 2)} ms`,
  );
  console.log(`  CPU raw run: ${rawCpuUsed}; zapd run: ${zapdCpuUsed}`);
}

await raw.close();
await client.stop();
await server.stop();
await simulator.stop();
rmSync(dataDir, { recursive: true, force: true });
const sequential = results.c1;
const parallel = results.c16;
if (sequential && parallel) {
  console.log(
    `ratio zapd/raw throughput: c1 ${fmt(sequential.zapd.perSecond / sequential.raw.perSecond, 2)}, c16 ${fmt(parallel.zapd.perSecond / parallel.raw.perSecond, 2)}; ` +
      `p50 added latency c1 ${fmt(sequential.zapd.p50 - sequential.raw.p50, 2)} ms (targets: ratio >= 0.95, added p50 < 2 ms)`,
  );
}
process.exit(0);
