// The simulator in a process of its own, so that its virtual contacts (real Baileys clients that
// encrypt every message they send) do not share an event loop with what a benchmark measures.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';

export interface SimulatorProcess {
  pid: number | undefined;
  wsUrl: string;
  httpUrl: string;
  rootPublicKey: Uint8Array;
  scan(qr: string, phone?: string): Promise<unknown>;
  admin(path: string, body: unknown): Promise<unknown>;
  stop(): Promise<void>;
}

export async function spawnSimulator(): Promise<SimulatorProcess> {
  // With BENCH_CPU_PROFILE the simulator writes a profile of its whole life (setup included) on exit.
  const profile = process.env.BENCH_CPU_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE}`] : [];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', 'sim/main.ts'], {
    cwd: new URL('..', import.meta.url).pathname,
    env: { ...process.env, SIM_PORT: '0', SIM_LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  let wsUrl = '';
  let httpUrl = '';
  let rootKey = '';
  for await (const line of lines) {
    wsUrl = /WebSocket: (\S+)/.exec(line)?.[1] ?? wsUrl;
    httpUrl = /Admin API: (\S+)\/admin/.exec(line)?.[1] ?? httpUrl;
    rootKey = /Root key: +(\S+)/.exec(line)?.[1] ?? rootKey;
    if (wsUrl && httpUrl && rootKey) break;
  }
  if (!rootKey) throw new Error('the simulator process did not start');
  const admin = async (path: string, body: unknown) => {
    const response = await fetch(`${httpUrl}/admin${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (!response.ok) throw new Error(`admin ${path}: ${response.status} ${await response.text()}`);
    return response.json() as Promise<unknown>;
  };
  return {
    pid: child.pid,
    wsUrl,
    httpUrl,
    rootPublicKey: Buffer.from(rootKey, 'base64'),
    admin,
    scan: (qr, phone) => admin('/scan', { qr, ...(phone ? { phone } : {}) }),
    async stop() {
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}
