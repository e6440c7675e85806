// A webhook receiver in a process of its own, as a real one would be: parsing the requests is then
// not counted against zapd. It notes when each marked message (`<label> <k>`) first arrived (epoch
// ms, sub-ms), and can play a slow receiver (answers after a delay) or a failing one (answers
// with an error status, and records nothing as arrived).
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceiverProcess {
  pid: number | undefined;
  url: string;
  /** When each message `<label> <k>` first arrived, by k. */
  arrivals(label: string): Promise<Map<number, number>>;
  /** How many requests it got, answered or not. */
  requests(): Promise<number>;
  stop(): Promise<void>;
}

export async function spawnReceiver(behaviour: { delayMs?: number; status?: number } = {}): Promise<ReceiverProcess> {
  const child = fork(new URL(import.meta.url).pathname, ['serve', String(behaviour.delayMs ?? 0), String(behaviour.status ?? 200)], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const [ready] = (await once(child, 'message')) as [{ url: string }];
  const ask = async (question: { label?: string }) => {
    child.send(question);
    const [reply] = (await once(child, 'message')) as [{ arrivals: Array<[number, number]>; requests: number }];
    return reply;
  };
  return {
    pid: child.pid,
    url: ready.url,
    arrivals: async (label) => new Map((await ask({ label })).arrivals),
    requests: async () => (await ask({})).requests,
    async stop() {
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

function serve(delayMs: number, status: number): void {
  const arrivals = new Map<string, Map<number, number>>();
  let requests = 0;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      requests++;
      const answer = () => response.writeHead(status).end();
      if (status < 200 || status >= 300) return void answer();
      const now = performance.timeOrigin + performance.now();
      const body = JSON.parse(Buffer.concat(chunks).toString()) as { payload?: { body?: unknown } };
      const match = typeof body.payload?.body === 'string' ? /^(\S+) (\d+)$/.exec(body.payload.body) : null;
      if (match?.[1] && match[2]) {
        const seen = arrivals.get(match[1]) ?? new Map<number, number>();
        arrivals.set(match[1], seen);
        const k = Number(match[2]);
        if (!seen.has(k)) seen.set(k, now);
      }
      if (delayMs > 0) setTimeout(answer, delayMs);
      else answer();
    });
  });
  server.listen(0, '127.0.0.1', () => process.send?.({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` }));
  process.on('message', ({ label }: { label?: string }) => process.send?.({ arrivals: [...(label ? (arrivals.get(label) ?? []) : [])], requests }));
}

if (process.argv[2] === 'serve') serve(Number(process.argv[3]), Number(process.argv[4]));
