// bench send: N text messages to a virtual contact — raw Baileys sendMessage (the floor) against
// zapd's POST /api/sendText, both on the same simulator in the same run, sequential and with
// concurrency 16. The last line is the ratio.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator } from '../sim/index.ts';
import { SimClient } from '../sim/testing/baileys-client.ts';
import { loadConfig } from '../src/config.ts';
import { startServer } from '../src/main.ts';
import { linkSession } from './link.ts';
import { profiled } from './profile.ts';
import { fmt, measure, type RunFigures } from './stats.ts';

const COUNT = Number(process.env.BENCH_COUNT ?? 300);
const KEY = 'bench-key';
const TARGET = '15550020001';

const simulator = await startSimulator({ port: 0 });
const admin = (path: string, body: unknown) =>
  fetch(`${simulator.httpUrl}/admin${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
await admin('/accounts', { phone: TARGET, pushName: 'Target' });

const raw = new SimClient({ endpoint: { wsUrl: simulator.wsUrl, rootPublicKey: simulator.rootPublicKey }, onQr: (qr) => void simulator.scan(qr, '15550020002') });
await raw.connect();

const dataDir = mkdtempSync(join(tmpdir(), 'zapd-bench-'));
const server = await startServer(loadConfig({ ZAPD_DATA_DIR: dataDir, PORT: '0', ZAPD_HOST: '127.0.0.1', ZAPD_API_KEY: KEY, ZAPD_LOG_LEVEL: 'silent', ZAPD_WA_URL: simulator.wsUrl }));
const api = await linkSession(server.url, KEY, simulator, 'bench', '15550020003');

const jid = `${TARGET}@s.whatsapp.net`;
const rawSend = async (index: number) => {
  await raw.socket!.sendMessage(jid, { text: `raw ${index}` });
};
const zapdSend = async (index: number) => {
  const response = await api('POST', '/api/sendText', { session: 'bench', chatId: `${TARGET}@c.us`, text: `zapd ${index}` });
  if (response.status !== 201) throw new Error(`sendText answered ${response.status}`);
  await response.arrayBuffer();
};

// Warm both paths (Signal sessions, device lists) so the runs compare steady states.
await rawSend(-1);
await zapdSend(-1);

const results: Record<string, { raw: RunFigures; zapd: RunFigures }> = {};
for (const concurrency of [1, 16]) {
  const rawFigures = await profiled(`send-raw-c${concurrency}`, () => measure(COUNT, concurrency, rawSend));
  const zapdFigures = await profiled(`send-zapd-c${concurrency}`, () => measure(COUNT, concurrency, zapdSend));
  results[`c${concurrency}`] = { raw: rawFigures, zapd: zapdFigures };
  console.log(
    `send c=${concurrency} n=${COUNT}: raw ${fmt(rawFigures.perSecond)} msg/s p50 ${fmt(rawFigures.p50, 2)} ms p99 ${fmt(rawFigures.p99, 2)} ms | ` +
      `zapd ${fmt(zapdFigures.perSecond)} msg/s p50 ${fmt(zapdFigures.p50, 2)} ms p99 ${fmt(zapdFigures.p99, 2)} ms`,
  );
}

await raw.close();
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
