// bench sessions: K sessions (BENCH_SESSIONS, default 50) linked on one zapd and idle, then zapd
// restarted on the same store. Measures resident memory per idle session and how long a restart
// takes to bring every session back to WORKING — the two figures that decide how many accounts one
// zapd can carry and how long a redeploy leaves them offline. zapd runs as a child process so the
// RSS read from /proc is zapd's alone: the simulator and this script live in the bench process.
// The last line is the verdict against the targets (≤ 15 MB per idle session; 500 restored < 60 s).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator } from '../sim/index.ts';
import { waitFor } from '../test/support/wait.ts';
import { cpuSeconds } from './cpu.ts';
import { linkSession } from './link.ts';
import { fmt, percentile } from './stats.ts';

const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 50);
// Extra node flags for the zapd child only, e.g. BENCH_ZAPD_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof'.
const CHILD_NODE_ARGS = (process.env.BENCH_ZAPD_NODE_ARGS ?? '').split(' ').filter(Boolean);
const LINK_CONCURRENCY = 4;
const KEY = 'bench-key';
const SETTLE_MS = 2_000;
const IDLE_MS = 10_000;
const POLL_MS = 100;
const TARGET_MB_PER_SESSION = 15;
const TARGET_RESTORE_SESSIONS = 500;
const TARGET_RESTORE_SECONDS = 60;
// Generous: a restore that needs this long has already missed the target by far.
const RESTORE_TIMEOUT_MS = Math.max(120_000, SESSIONS * 1_000);
const ROOT = new URL('..', import.meta.url).pathname;

const nameOf = (index: number) => `bench${String(index).padStart(4, '0')}`;
const phoneOf = (index: number) => `1555007${String(index).padStart(4, '0')}`;
const mb = (bytes: number) => bytes / 1024 / 1024;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** VmRSS of a process, in bytes. */
function rssOf(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB$/m);
  if (!line?.[1]) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(line[1]) * 1024;
}

const selfCpuSeconds = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
};

interface Zapd {
  child: ChildProcess;
  pid: number;
  url: string;
  spawnedAt: number;
  output(): string;
  exited: Promise<number | null>;
}

function spawnZapd(dataDir: string, port: number, wsUrl: string): Zapd {
  const child = spawn(process.execPath, [...CHILD_NODE_ARGS, '--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      ZAPD_DATA_DIR: dataDir,
      PORT: String(port),
      ZAPD_HOST: '127.0.0.1',
      ZAPD_API_KEY: KEY,
      ZAPD_LOG_LEVEL: 'error',
      ZAPD_WA_URL: wsUrl,
      WAHA_PRINT_QR: 'false',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const spawnedAt = performance.now();
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  if (child.pid === undefined) throw new Error('could not spawn zapd');
  return { child, pid: child.pid, url: `http://127.0.0.1:${port}`, spawnedAt, output: () => output, exited };
}

async function waitUntilUp(zapd: Zapd): Promise<number> {
  await waitFor(
    'zapd to answer /ping',
    async () => {
      if (zapd.child.exitCode !== null) throw new Error(`zapd exited with ${zapd.child.exitCode}: ${zapd.output()}`);
      return (await fetch(`${zapd.url}/ping`)).ok;
    },
    30_000,
    POLL_MS,
  );
  return performance.now() - zapd.spawnedAt;
}

/** SIGTERM, as a redeploy would send; returns how long the graceful stop took. */
async function stopZapd(zapd: Zapd): Promise<number> {
  const started = performance.now();
  zapd.child.kill('SIGTERM');
  const code = await zapd.exited;
  if (code !== 0) throw new Error(`zapd exited with ${code} on SIGTERM: ${zapd.output()}`);
  return performance.now() - started;
}

async function listStatuses(zapd: Zapd): Promise<Array<{ name: string; status: string }>> {
  const response = await fetch(`${zapd.url}/api/sessions?all=true`, { headers: { 'x-api-key': KEY } });
  if (!response.ok) throw new Error(`GET /api/sessions answered ${response.status}`);
  return (await response.json()) as Array<{ name: string; status: string }>;
}

/** Samples the child's RSS in the background, so the peak between two reads is not missed. */
function trackPeak(pid: number) {
  let peak = rssOf(pid);
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, rssOf(pid));
    } catch {
      // The process is gone; the last sample stands.
    }
  }, 250);
  return {
    stop() {
      clearInterval(timer);
      return peak;
    },
  };
}

const simulator = await startSimulator({ port: 0, logLevel: 'silent' });
const dataDir = mkdtempSync(join(tmpdir(), 'zapd-bench-sessions-'));
const port = await freePort();
let current: Zapd | undefined;

try {
  console.log(
    `sessions: K=${SESSIONS} linked with concurrency ${LINK_CONCURRENCY}, idle ${IDLE_MS / 1000} s, then SIGTERM and restart on the same SQLite store; ` +
      `zapd is a child process (node ${process.version}${CHILD_NODE_ARGS.length ? ` ${CHILD_NODE_ARGS.join(' ')}` : ''}), RSS from /proc/<pid>/status`,
  );

  // First boot: the baseline with no session, then K sessions linked.
  current = spawnZapd(dataDir, port, simulator.wsUrl);
  const bootMs = await waitUntilUp(current);
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  const rss0 = rssOf(current.pid);
  console.log(`boot (0 sessions): up in ${fmt(bootMs / 1000, 2)} s; RSS ${fmt(mb(rss0))} MB after ${SETTLE_MS / 1000} s`);

  const linkPeak = trackPeak(current.pid);
  const linkStarted = performance.now();
  const linkCpu0 = cpuSeconds(current.pid);
  let next = 0;
  const zapdUrl = current.url;
  await Promise.all(
    Array.from({ length: LINK_CONCURRENCY }, async () => {
      while (next < SESSIONS) {
        const index = next++;
        await linkSession(zapdUrl, KEY, simulator, nameOf(index), phoneOf(index));
      }
    }),
  );
  const linkSeconds = (performance.now() - linkStarted) / 1000;
  const linkCpu = cpuSeconds(current.pid) - linkCpu0;
  await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
  const rssK = rssOf(current.pid);
  const peakLinking = linkPeak.stop();
  const perSessionMb = mb(rssK - rss0) / SESSIONS;
  console.log(
    `link: ${SESSIONS} sessions WORKING in ${fmt(linkSeconds, 2)} s (${fmt(SESSIONS / linkSeconds)} sessions/s, zapd CPU ${fmt(linkCpu, 1)} s); ` +
      `RSS peak while linking ${fmt(mb(peakLinking))} MB`,
  );
  console.log(
    `idle: RSS ${fmt(mb(rssK))} MB with ${SESSIONS} WORKING after ${IDLE_MS / 1000} s idle, ${fmt(mb(rssK - rss0))} MB above the 0-session baseline → ${fmt(perSessionMb, 2)} MB per session`,
  );

  const stopMs = await stopZapd(current);
  console.log(`stop: SIGTERM → exit 0 in ${fmt(stopMs / 1000, 2)} s`);

  // Second boot: the clock runs from spawn, so process start-up and module loading count too, as they
  // would in a real redeploy.
  const restarted = spawnZapd(dataDir, port, simulator.wsUrl);
  current = restarted;
  const restorePeak = trackPeak(restarted.pid);
  const restoreCpu0 = selfCpuSeconds();
  const workingAt = new Map<string, number>();
  let upMs: number | undefined;
  const last = await waitFor(
    `all ${SESSIONS} sessions to be WORKING again`,
    async () => {
      if (restarted.child.exitCode !== null) throw new Error(`zapd exited with ${restarted.child.exitCode}: ${restarted.output()}`);
      const sessions = await listStatuses(restarted);
      const now = performance.now() - restarted.spawnedAt;
      upMs ??= now;
      for (const session of sessions) if (session.status === 'WORKING' && !workingAt.has(session.name)) workingAt.set(session.name, now);
      return workingAt.size >= SESSIONS ? sessions : false;
    },
    RESTORE_TIMEOUT_MS,
    POLL_MS,
  ).catch(async (error: unknown) => {
    const counts = new Map<string, number>();
    for (const session of await listStatuses(restarted).catch(() => [])) counts.set(session.status, (counts.get(session.status) ?? 0) + 1);
    throw new Error(`${error instanceof Error ? error.message : String(error)}; statuses now: ${JSON.stringify(Object.fromEntries(counts))}`);
  });
  const restoreMs = Math.max(...workingAt.values());
  const restoreZapdCpu = cpuSeconds(restarted.pid);
  const restoreBenchCpu = selfCpuSeconds() - restoreCpu0;
  const peakRestoring = restorePeak.stop();
  const times = [...workingAt.values()].sort((a, b) => a - b);
  const firstMs = times[0] ?? Number.NaN;
  console.log(
    `restore: spawn → API up ${fmt((upMs ?? Number.NaN) / 1000, 2)} s, first WORKING ${fmt(firstMs / 1000, 2)} s, ` +
      `p50 ${fmt(percentile(times, 50) / 1000, 2)} s, max (all ${last.length} WORKING) ${fmt(restoreMs / 1000, 2)} s ` +
      `(poll every ${POLL_MS} ms); CPU zapd ${fmt(restoreZapdCpu, 1)} s, simulator+bench ${fmt(restoreBenchCpu, 1)} s; RSS peak ${fmt(mb(peakRestoring))} MB`,
  );

  // Linear in K after a fixed boot is only a floor: with Baileys 7.0.0-rc14 every socket leaves an
  // enabled AsyncLocalStorage behind, and every later promise pays for each of them, so both memory
  // and restore time per session rise with K (measured at K=500: twice the K=50 extrapolation).
  const restoreAfterUpMs = restoreMs - (upMs ?? 0);
  const projectedMs = (upMs ?? 0) + (restoreAfterUpMs * TARGET_RESTORE_SESSIONS) / SESSIONS;
  const restoreFigure =
    SESSIONS >= TARGET_RESTORE_SESSIONS
      ? `${SESSIONS} restored in ${fmt(restoreMs / 1000, 1)} s`
      : `${SESSIONS} restored in ${fmt(restoreMs / 1000, 1)} s, ${TARGET_RESTORE_SESSIONS} extrapolated ${fmt(projectedMs / 1000, 1)} s`;
  if (SESSIONS < TARGET_RESTORE_SESSIONS) {
    console.log(
      `extrapolation: K=${SESSIONS} < ${TARGET_RESTORE_SESSIONS}; assumes RSS and restore time grow linearly with K after a fixed ${fmt((upMs ?? 0) / 1000, 2)} s boot ` +
        `(${fmt(restoreAfterUpMs / SESSIONS, 1)} ms per session) → ${TARGET_RESTORE_SESSIONS} sessions ≈ ${fmt(mb(rss0) + perSessionMb * TARGET_RESTORE_SESSIONS, 0)} MB RSS, ` +
        `restored in ≈ ${fmt(projectedMs / 1000, 1)} s — a lower bound, per-session cost rises with K; run BENCH_SESSIONS=${TARGET_RESTORE_SESSIONS} to measure it`,
    );
  }

  await stopZapd(restarted);
  current = undefined;
  const memoryMet = perSessionMb <= TARGET_MB_PER_SESSION;
  const restoreMet = (SESSIONS >= TARGET_RESTORE_SESSIONS ? restoreMs : projectedMs) < TARGET_RESTORE_SECONDS * 1000;
  console.log(
    `sessions K=${SESSIONS}: ${fmt(perSessionMb, 2)} MB per idle session (target ≤ ${TARGET_MB_PER_SESSION} MB: ${memoryMet ? 'met' : 'missed'}); ` +
      `${restoreFigure} (target ${TARGET_RESTORE_SESSIONS} < ${TARGET_RESTORE_SECONDS} s: ${restoreMet ? 'met' : 'missed'}${SESSIONS < TARGET_RESTORE_SESSIONS ? ', extrapolated' : ''})`,
  );
} finally {
  if (current && current.child.exitCode === null) {
    current.child.kill('SIGKILL');
    await current.exited;
  }
  await simulator.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
process.exit(0);
