// `npm run bench -- startup`: time to listen and idle memory of `npm start` from source through tsx
// (as it ran before the compiled build) against the compiled build, `node dist/src/main.js`.
// Each mode starts ROUNDS times, alternating so a busy neighbour slows both alike; the medians count.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROUNDS = Number(process.env.STARTUP_ROUNDS ?? 5);
const IDLE_MS = 3000;
const MODES = { tsx: ['--import', 'tsx', 'src/main.ts'], dist: ['dist/src/main.js'] } as const;
type Mode = keyof typeof MODES;

interface Sample {
  listenMs: number;
  idleRssMb: number;
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1]);
  return kb / 1024;
}

async function sample(mode: Mode): Promise<Sample> {
  const dataDir = mkdtempSync(join(tmpdir(), 'zapd-startup-'));
  const started = performance.now();
  const child = spawn(process.execPath, [...MODES[mode]], {
    env: { PATH: process.env.PATH ?? '', ZAPD_DATA_DIR: dataDir, ZAPD_HOST: '127.0.0.1', PORT: '0', ZAPD_API_KEY: 'bench', ZAPD_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const listenMs = await new Promise<number>((resolve, reject) => {
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('listening on')) resolve(performance.now() - started);
      });
      child.once('exit', (code) => reject(new Error(`${mode} exited (${code}) before listening:\n${output}`)));
    });
    await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
    return { listenMs, idleRssMb: rssMb(child.pid ?? 0) };
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => (child.exitCode === null ? child.once('exit', resolve) : resolve(undefined)));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

const built = spawnSync(process.execPath, ['scripts/build-if-stale.mjs'], { stdio: 'inherit' });
if (built.status !== 0) throw new Error('the build failed');
const samples: Record<Mode, Sample[]> = { tsx: [], dist: [] };
for (let round = 0; round < ROUNDS; round++) {
  for (const mode of Object.keys(MODES) as Mode[]) samples[mode].push(await sample(mode));
}
const summary = (mode: Mode) => ({ listenMs: median(samples[mode].map((s) => s.listenMs)), idleRssMb: median(samples[mode].map((s) => s.idleRssMb)) });
const tsx = summary('tsx');
const dist = summary('dist');
console.log(`startup, median of ${ROUNDS} runs each (idle RSS ${IDLE_MS / 1000} s after listening):`);
console.log(`  tsx  (node --import tsx src/main.ts): listens in ${tsx.listenMs.toFixed(0)} ms, idle RSS ${tsx.idleRssMb.toFixed(0)} MB`);
console.log(`  dist (node dist/src/main.js):         listens in ${dist.listenMs.toFixed(0)} ms, idle RSS ${dist.idleRssMb.toFixed(0)} MB`);
console.log(`  ratio dist/tsx: time to listen ${(dist.listenMs / tsx.listenMs).toFixed(2)}, idle RSS ${(dist.idleRssMb / tsx.idleRssMb).toFixed(2)}`);
