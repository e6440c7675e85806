// Real proxies from Debian's packages, run by the test that needs them on a free loopback port:
// tinyproxy for HTTP CONNECT, microsocks for SOCKS5. Each writes what it did where the test can read it.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from './wait.ts';

export interface RunningProxy {
  port: number;
  /** What the proxy logged so far (tinyproxy's log file, microsocks' output). */
  log(): string;
  stop(): Promise<void>;
}

/** A port nothing listens on right now (taken from the kernel, then released). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function run(command: string, args: string[], port: number, log: () => string, cleanUp: () => void, output?: string[]): Promise<RunningProxy> {
  const child: ChildProcess = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (chunk: Buffer) => output?.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => output?.push(chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await waitFor(`${command} to listen on ${port}`, () => listening(port), 5_000);
  return {
    port,
    log,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      cleanUp();
    },
  };
}

/** tinyproxy with Basic credentials when given; `connectPorts` limits the ports CONNECT may reach (all when empty). */
export async function startTinyproxy(options: { username?: string; password?: string; connectPorts?: number[] } = {}): Promise<RunningProxy> {
  const dir = mkdtempSync(join(tmpdir(), 'zapd-tinyproxy-'));
  const port = await freePort();
  const logFile = join(dir, 'tinyproxy.log');
  const lines = [
    `Port ${port}`,
    'Listen 127.0.0.1',
    'Allow 127.0.0.1',
    'Timeout 60',
    `LogFile "${logFile}"`,
    'LogLevel Connect',
    'MaxClients 50',
    ...(options.connectPorts ?? []).map((connectPort) => `ConnectPort ${connectPort}`),
    ...(options.username ? [`BasicAuth ${options.username} ${options.password ?? ''}`] : []),
  ];
  const configFile = join(dir, 'tinyproxy.conf');
  writeFileSync(configFile, `${lines.join('\n')}\n`);
  const log = () => {
    try {
      return readFileSync(logFile, 'utf8');
    } catch {
      return '';
    }
  };
  return run('tinyproxy', ['-d', '-c', configFile], port, log, () => rmSync(dir, { recursive: true, force: true }));
}

/** microsocks requiring user/password when given. */
export async function startMicrosocks(options: { username?: string; password?: string } = {}): Promise<RunningProxy> {
  const port = await freePort();
  const output: string[] = [];
  const credentials = options.username ? ['-u', options.username, '-P', options.password ?? ''] : [];
  return run('microsocks', ['-i', '127.0.0.1', '-p', String(port), ...credentials], port, () => output.join(''), () => undefined, output);
}
