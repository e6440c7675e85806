// BENCH_CPU_PROFILE=<dir>: writes a .cpuprofile of one measured phase only (not of the setup, which
// is dominated by pairing and pre-key generation), to be opened in Chrome DevTools.
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';

export async function profiled<T>(name: string, phase: () => Promise<T>): Promise<T> {
  const directory = process.env.BENCH_CPU_PROFILE;
  if (!directory) return phase();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  try {
    return await phase();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    mkdirSync(directory, { recursive: true });
    const file = join(directory, `${name}-${Date.now()}.cpuprofile`);
    writeFileSync(file, JSON.stringify(profile));
    console.log(`cpu profile of ${name}: ${file}`);
    session.disconnect();
  }
}
