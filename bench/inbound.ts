// bench inbound: virtual contacts send N messages, open loop at an aggregate rate, spread over K
// receiving accounts. The floor is K raw Baileys clients, timed from the contact's send to their
// `messages.upsert`; zapd is K sessions, timed from the same send to the webhook receiver's
// arrival (so zapd's figure includes decrypting, recording the event durably, the outbox and the
// HTTP POST). Same simulator, same senders, same run. The senders run in the simulator's process
// and encrypt the burst before it is released, and the webhook receiver runs in a process of its
// own: on a real network that work happens on other people's phones and on the user's server,
// not on zapd's event loop. The last line is the verdict.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SimClient } from '../sim/testing/baileys-client.ts';
import { loadConfig } from '../src/config.ts';
import { startServer } from '../src/server.ts';
import { linkSession } from './link.ts';
import { cpuMeter } from './cpu.ts';
import { profiled } from './profile.ts';
import { spawnReceiver } from './receiver-process.ts';
import { spawnSimulator } from './simulator-process.ts';
import { fmt, percentile } from './stats.ts';

const COUNT = Number(process.env.BENCH_COUNT ?? 2000);
const ACCOUNTS = Number(process.env.BENCH_SESSIONS ?? 10);
const RATE = Number(process.env.BENCH_RATE ?? 1000);
const KEY = 'bench-key';
const TARGET_P99_MS = 50;
const DRAIN_TIMEOUT_MS = 120_000;

// The senders live in the simulator's process; this one only receives.
const simulator = await spawnSimulator();
const admin = simulator.admin;
const senderPhone = (index: number) => `1555006${String(index).padStart(4, '0')}`;
for (let index = 0; index < ACCOUNTS; index++) await admin('/accounts', { phone: senderPhone(index) });

interface PhaseFigures {
  sendSeconds: number;
  perSecond: number;
  p50: number;
  p99: number;
  lost: number;
}

/**
 * Has the senders encrypt COUNT messages ahead of time (message k from sender k % ACCOUNTS to
 * receiver k % ACCOUNTS), then the simulator releases them at RATE per second; waits until
 * `arrivals` has seen them all (or gives up). Times are epoch milliseconds with sub-ms resolution,
 * the clock both processes share.
 */
async function runPhase(label: string, receiverPhone: (index: number) => string, arrived: () => Promise<Map<number, number>>): Promise<PhaseFigures> {
  const messages = Array.from({ length: COUNT }, (_, k) => ({ from: senderPhone(k % ACCOUNTS), to: receiverPhone(k % ACCOUNTS), text: `${label} ${k}` }));
  const { sentAt } = (await admin('/burst', { rate: RATE, messages })) as { sentAt: Array<number | null> };
  const first = Math.min(...sentAt.map((at) => at ?? Infinity));
  const sendSeconds = (Math.max(...sentAt.map((at) => at ?? 0)) - first) / 1000;
  const deadline = performance.now() + DRAIN_TIMEOUT_MS;
  let arrivals = await arrived();
  while (arrivals.size < COUNT && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    arrivals = await arrived();
  }
  const latencies = [...arrivals].map(([k, at]) => at - (sentAt[k] ?? at)).sort((a, b) => a - b);
  const last = Math.max(...arrivals.values());
  return { sendSeconds, perSecond: arrivals.size / ((last - first) / 1000), p50: percentile(latencies, 50), p99: percentile(latencies, 99), lost: COUNT - arrivals.size };
}

/** Now on the clock the simulator's release times use. */
const epochNow = () => performance.timeOrigin + performance.now();

const markerOf = (label: string, text: unknown): number | undefined => {
  const match = typeof text === 'string' ? new RegExp(`^${label} (\\d+)$`).exec(text) : null;
  return match ? Number(match[1]) : undefined;
};

// ---- floor: raw Baileys clients ----------------------------------------------------------------
const rawPhone = (index: number) => `1555006${String(5000 + index).padStart(4, '0')}`;
const rawArrivals = new Map<number, number>();
const rawClients: SimClient[] = [];
for (let index = 0; index < ACCOUNTS; index++) {
  const client = new SimClient({ endpoint: { wsUrl: simulator.wsUrl, rootPublicKey: simulator.rootPublicKey }, onQr: (qr) => void simulator.scan(qr, rawPhone(index)) });
  await client.connect();
  client.socket?.ev.on('messages.upsert', ({ messages }) => {
    const now = epochNow();
    for (const message of messages) {
      const k = markerOf('raw', message.message?.conversation ?? message.message?.extendedTextMessage?.text);
      if (k !== undefined && !rawArrivals.has(k)) rawArrivals.set(k, now);
    }
  });
  rawClients.push(client);
}

// ---- zapd: sessions with a webhook ---------------------------------------------------------------
const receiver = await spawnReceiver();
const hook = receiver.url;
const dataDir = mkdtempSync(join(tmpdir(), 'zapd-bench-'));
const server = await startServer(loadConfig({ ZAPD_DATA_DIR: dataDir, PORT: '0', ZAPD_HOST: '127.0.0.1', ZAPD_API_KEY: KEY, ZAPD_LOG_LEVEL: 'silent', ZAPD_WA_URL: simulator.wsUrl, WAHA_PRINT_QR: 'false' }));
const zapdPhone = (index: number) => `1555006${String(7000 + index).padStart(4, '0')}`;
for (let index = 0; index < ACCOUNTS; index++) {
  await linkSession(server.url, KEY, simulator, `in${index}`, zapdPhone(index), { webhooks: [{ url: hook, events: ['message'] }] });
}

// Warm both paths: the first message to each account sets up its Signal session.
const warm = async (phone: (index: number) => string) => {
  for (let index = 0; index < ACCOUNTS; index++) await admin(`/accounts/${senderPhone(index)}/send`, { to: phone(index), text: 'warm-up' });
};
await warm(rawPhone);
await warm(zapdPhone);
await new Promise((resolve) => setTimeout(resolve, 1000));

console.log(`inbound: ${COUNT} messages offered at ${RATE} msg/s over ${ACCOUNTS} accounts; raw = Baileys messages.upsert, zapd = webhook arrival`);
// Where the two cores went in each phase: the webhook receiver shares them with zapd here.
const rawCpu = cpuMeter({ 'raw clients': process.pid, simulator: simulator.pid });
const raw = await profiled('inbound-raw', () => runPhase('raw', rawPhone, async () => rawArrivals));
console.log(`raw:  sent in ${fmt(raw.sendSeconds, 2)} s; arrived ${fmt(raw.perSecond)} msg/s, p50 ${fmt(raw.p50, 1)} ms, p99 ${fmt(raw.p99, 1)} ms, lost ${raw.lost}; CPU ${rawCpu()}`);
const zapdCpu = cpuMeter({ zapd: process.pid, simulator: simulator.pid, receiver: receiver.pid });
const zapd = await profiled('inbound-zapd', () => runPhase('zapd', zapdPhone, () => receiver.arrivals('zapd')));
console.log(`zapd: sent in ${fmt(zapd.sendSeconds, 2)} s; arrived ${fmt(zapd.perSecond)} msg/s, p50 ${fmt(zapd.p50, 1)} ms, p99 ${fmt(zapd.p99, 1)} ms, lost ${zapd.lost}; CPU ${zapdCpu()}`);

await Promise.all(rawClients.map((client) => client.close()));
await server.stop();
await receiver.stop();
await simulator.stop();
rmSync(dataDir, { recursive: true, force: true });
const TARGET_RATE = 1000;
const TARGET_SESSIONS = 10;
const atTarget = RATE >= TARGET_RATE && ACCOUNTS >= TARGET_SESSIONS;
const verdict = !atTarget
  ? `not measured (this run offered ${RATE} msg/s over ${ACCOUNTS}; set BENCH_RATE=${TARGET_RATE})`
  : zapd.p99 < TARGET_P99_MS && zapd.lost === 0 && zapd.perSecond >= RATE * 0.95
    ? 'met'
    : 'missed';
console.log(
  `inbound ratio zapd/raw throughput ${fmt(zapd.perSecond / raw.perSecond, 2)}, p99 zapd ${fmt(zapd.p99, 1)} ms vs raw ${fmt(raw.p99, 1)} ms at ${RATE} msg/s ` +
    `(target p99 < ${TARGET_P99_MS} ms at ${TARGET_RATE} msg/s over ${TARGET_SESSIONS} sessions: ${verdict})`,
);
process.exit(0);
