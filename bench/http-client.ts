// An HTTP load client in a process of its own, as a real client of zapd would be: its own work
// (building requests, parsing responses) then does not land on zapd's event loop, where raw
// Baileys' in-process calls have no such cost to share it with.
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { request } from 'undici';
import { measure, type RunFigures } from './stats.ts';

export interface LoadRequest {
  url: string;
  headers: Record<string, string>;
  /** The JSON body; `{{index}}` is replaced by the request's index. */
  body: string;
  expectStatus: number;
  count: number;
  concurrency: number;
}

export interface HttpClientProcess {
  pid: number | undefined;
  run(load: LoadRequest): Promise<RunFigures>;
  stop(): Promise<void>;
}

export async function spawnHttpClient(): Promise<HttpClientProcess> {
  const child: ChildProcess = fork(new URL(import.meta.url).pathname, ['serve'], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  await once(child, 'message');
  return {
    pid: child.pid,
    async run(load) {
      child.send(load);
      const [reply] = (await once(child, 'message')) as [{ figures?: RunFigures; error?: string }];
      if (!reply.figures) throw new Error(`http client: ${reply.error}`);
      return reply.figures;
    },
    async stop() {
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

async function serve(): Promise<void> {
  process.on('message', (load: LoadRequest) => {
    const send = async (index: number) => {
      const response = await request(load.url, { method: 'POST', headers: load.headers, body: load.body.replaceAll('{{index}}', String(index)) });
      if (response.statusCode !== load.expectStatus) throw new Error(`${load.url} answered ${response.statusCode}: ${await response.body.text()}`);
      await response.body.dump();
    };
    measure(load.count, load.concurrency, send).then(
      (figures) => process.send?.({ figures }),
      (error: unknown) => process.send?.({ error: error instanceof Error ? error.message : String(error) }),
    );
  });
  process.send?.({ ready: true });
}

if (process.argv[2] === 'serve') await serve();
