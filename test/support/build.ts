// The compiled build for tests that run it: scripts/build-if-stale.mjs, as `npm start` does, so a
// fresh clone (CI) builds dist/ here and a current dist/ is used as it is.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export function ensureCompiledBuild(): void {
  const result = spawnSync(process.execPath, ['scripts/build-if-stale.mjs'], { encoding: 'utf8', timeout: 300_000 });
  if (result.status !== 0) throw new Error(`the build failed:\n${result.stdout}${result.stderr}`);
  if (!existsSync('dist/src/main.js')) throw new Error('the build left no dist/src/main.js');
}
