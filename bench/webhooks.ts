// bench webhooks: virtual contacts (in the simulator's own process) send N messages to a session
// with three webhook receivers — one fast, one slow (100 ms per request), one always failing.
// Prints how fast the fast one is served, that the slow one does not hold it back, and that
// nothing is lost. Each contact is a chat, and so one ordered lane per receiver.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config.ts';
import { startServer } from '../src/main.ts';
import { linkSession } from './link.ts';
import { profiled } from './profile.ts';
import { spawnSimulator } from './simulator-process.ts';
import { fmt } from './stats.ts';

const COUNT = Number(process.env.BENCH_COUNT ?? 10_000);
const CONTACTS = Number(process.env.BENCH_CONTACTS ?? 20);
const KEY = 'bench-key';

async function receiver(delayMs: number, status: number) {
  const ids = new Set<string>();
  let requests = 0;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      requests++;
      const body = JSON.parse(Buffer.concat(chunks).toString()) as { event: string; payload: { id: string } };
      setTimeout(() => {
        if (status === 200 && body.event === 'message') ids.add(body.payload.id);
        response.writeHead(status);
        response.end();
      }, delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, ids, requests: () => requests, close: () => server.close() };
}

const simulator = await spawnSimulator();
const [fast, slow, failing] = await Promise.all([receiver(0, 200), receiver(100, 200), receiver(0, 500)]);
const dataDir = mkdtempSync(join(tmpdir(), 'zapd-bench-'));
const server = await startServer(loadConfig({ ZAPD_DATA_DIR: dataDir, PORT: '0', ZAPD_HOST: '127.0.0.1', ZAPD_API_KEY: KEY, ZAPD_LOG_LEVEL: 'silent', ZAPD_WA_URL: simulator.wsUrl }));
const retries = { policy: 'constant', delaySeconds: 1, attempts: 3 };
await linkSession(server.url, KEY, simulator, 'bench', '15550040000', {
  webhooks: [{ url: fast.url, events: ['message'] }, { url: slow.url, events: ['message'] }, { url: failing.url, events: ['message'], retries }],
});
const contact = (index: number) => `1555004${String(1000 + index).padStart(4, '0')}`;
for (let index = 0; index < CONTACTS; index++) await simulator.admin('/accounts', { phone: contact(index) });

const started = performance.now();
await profiled('webhooks-send', async () => {
  for (let index = 0; index < COUNT; index += CONTACTS) {
    await Promise.all(
      Array.from({ length: Math.min(CONTACTS, COUNT - index) }, (_, offset) => simulator.admin(`/accounts/${contact(offset)}/send`, { to: '15550040000', text: `burst ${index + offset}` })),
    );
  }
});
const sentSeconds = (performance.now() - started) / 1000;
while (fast.ids.size < COUNT) await new Promise((resolve) => setTimeout(resolve, 20));
const fastSeconds = (performance.now() - started) / 1000;
while (slow.ids.size < COUNT) await new Promise((resolve) => setTimeout(resolve, 50));
const slowSeconds = (performance.now() - started) / 1000;
console.log(`webhooks n=${COUNT} from ${CONTACTS} contacts: sent in ${fmt(sentSeconds, 2)} s; fast receiver complete after ${fmt(fastSeconds, 2)} s (${fmt(COUNT / fastSeconds)} events/s)`);
console.log(`slow receiver (100 ms/request, one lane per chat) complete after ${fmt(slowSeconds, 2)} s; failing receiver got ${failing.requests()} requests so far (retries per policy)`);
// Held back or not: the fast receiver should finish close to the last send (what lag remains is
// zapd still decrypting and recording under load), long before the slow one.
const fastLag = fastSeconds - sentSeconds;
console.log(`lost: fast ${COUNT - fast.ids.size}, slow ${COUNT - slow.ids.size}; after the last send the fast receiver finished in ${fmt(fastLag, 2)} s, the slow one in ${fmt(slowSeconds - sentSeconds, 2)} s`);
fast.close();
slow.close();
failing.close();
await server.stop();
await simulator.stop();
rmSync(dataDir, { recursive: true, force: true });
process.exit(0);
