// bench webhooks: N messages from virtual contacts to one session with three webhook receivers —
// one fast, one slow (100 ms per request), one always failing — each in a process of its own.
// The contacts encrypt the burst first and the simulator releases it at BENCH_RATE, faster than
// zapd takes it in, so the figures are zapd's: how fast the fast receiver is served, that the slow
// one does not hold it back, and that nothing is lost. Each contact is a chat, and so one ordered
// lane per receiver.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config.ts';
import { startServer } from '../src/server.ts';
import { linkSession } from './link.ts';
import { profiled } from './profile.ts';
import { spawnReceiver } from './receiver-process.ts';
import { spawnSimulator } from './simulator-process.ts';
import { fmt } from './stats.ts';

const COUNT = Number(process.env.BENCH_COUNT ?? 10_000);
const CONTACTS = Number(process.env.BENCH_CONTACTS ?? 20);
const RATE = Number(process.env.BENCH_RATE ?? 1000);
const KEY = 'bench-key';
const LABEL = 'burst';

const simulator = await spawnSimulator();
const [fast, slow, failing] = await Promise.all([spawnReceiver(), spawnReceiver({ delayMs: 100 }), spawnReceiver({ status: 500 })]);
const dataDir = mkdtempSync(join(tmpdir(), 'zapd-bench-'));
const server = await startServer(loadConfig({ ZAPD_DATA_DIR: dataDir, PORT: '0', ZAPD_HOST: '127.0.0.1', ZAPD_API_KEY: KEY, ZAPD_LOG_LEVEL: 'silent', ZAPD_WA_URL: simulator.wsUrl }));
const retries = { policy: 'constant', delaySeconds: 1, attempts: 3 };
await linkSession(server.url, KEY, simulator, 'bench', '15550040000', {
  webhooks: [{ url: fast.url, events: ['message'] }, { url: slow.url, events: ['message'] }, { url: failing.url, events: ['message'], retries }],
});
const contact = (index: number) => `1555004${String(1000 + index).padStart(4, '0')}`;
for (let index = 0; index < CONTACTS; index++) await simulator.admin('/accounts', { phone: contact(index) });

const messages = Array.from({ length: COUNT }, (_, k) => ({ from: contact(k % CONTACTS), to: '15550040000', text: `${LABEL} ${k}` }));
const { sentAt } = await profiled('webhooks', async () => (await simulator.admin('/burst', { rate: RATE, messages })) as { sentAt: Array<number | null> });
const firstSent = Math.min(...sentAt.map((at) => at ?? Infinity));
const lastSent = Math.max(...sentAt.map((at) => at ?? 0));
/** Seconds from the first release until the receiver has every message (or gives up after 10 minutes). */
async function completion(receiver: typeof fast): Promise<{ seconds: number; lost: number }> {
  const deadline = performance.now() + 600_000;
  let arrivals = await receiver.arrivals(LABEL);
  while (arrivals.size < COUNT && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    arrivals = await receiver.arrivals(LABEL);
  }
  return { seconds: (Math.max(...arrivals.values()) - firstSent) / 1000, lost: COUNT - arrivals.size };
}
const fastDone = await completion(fast);
const slowDone = await completion(slow);
const releaseSeconds = (lastSent - firstSent) / 1000;
console.log(`webhooks n=${COUNT} from ${CONTACTS} contacts, released at ${RATE} msg/s over ${fmt(releaseSeconds, 2)} s`);
console.log(`fast receiver: all ${COUNT - fastDone.lost} after ${fmt(fastDone.seconds, 2)} s (${fmt((COUNT - fastDone.lost) / fastDone.seconds)} events/s)`);
console.log(`slow receiver (100 ms/request, one lane per chat): all after ${fmt(slowDone.seconds, 2)} s; failing receiver got ${await failing.requests()} requests so far (retries per policy)`);
// Held back or not: the fast receiver's rate is zapd's (decrypt, record, post), the slow one's is
// bounded by 100 ms per request per chat; the fast one must not wait for it.
console.log(
  `lost: fast ${fastDone.lost}, slow ${slowDone.lost}; fast receiver served at ${fmt((COUNT - fastDone.lost) / fastDone.seconds)} events/s, ` +
    `finished ${fmt(slowDone.seconds - fastDone.seconds, 2)} s before the slow one (target: none lost, the fast receiver not held back)`,
);
await Promise.all([fast.stop(), slow.stop(), failing.stop()]);
await server.stop();
await simulator.stop();
rmSync(dataDir, { recursive: true, force: true });
process.exit(0);
