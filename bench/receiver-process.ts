// A webhook receiver in a process of its own, as a real one would be: parsing the requests is then
// not counted against zapd. It notes when each marked message first arrived (epoch ms, sub-ms).
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceiverProcess {
  url: string;
  /** When each message `<label> <k>` first arrived, by k. */
  arrivals(label: string): Promise<Map<number, number>>;
  stop(): Promise<void>;
}

export async function spawnReceiver(): Promise<ReceiverProcess> {
  const child = fork(new URL(import.meta.url).pathname, ['serve'], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const [ready] = (await once(child, 'message')) as [{ url: string }];
  return {
    url: ready.url,
    async arrivals(label) {
      child.send({ label });
      const [reply] = (await once(child, 'message')) as [{ arrivals: Array<[number, number]> }];
      return new Map(reply.arrivals);
    },
    async stop() {
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

function serve(): void {
  const arrivals = new Map<string, Map<number, number>>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const now = performance.timeOrigin + performance.now();
      const body = JSON.parse(Buffer.concat(chunks).toString()) as { payload?: { body?: unknown } };
      const match = typeof body.payload?.body === 'string' ? /^(\S+) (\d+)$/.exec(body.payload.body) : null;
      if (match?.[1] && match[2]) {
        const seen = arrivals.get(match[1]) ?? new Map<number, number>();
        arrivals.set(match[1], seen);
        const k = Number(match[2]);
        if (!seen.has(k)) seen.set(k, now);
      }
      response.writeHead(200).end();
    });
  });
  server.listen(0, '127.0.0.1', () => process.send?.({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` }));
  process.on('message', ({ label }: { label: string }) => process.send?.({ arrivals: [...(arrivals.get(label) ?? [])] }));
}

if (process.argv[2] === 'serve') serve();
