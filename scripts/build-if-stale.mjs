// Compiles src/ and sim/ into dist/ with tsc (tsconfig.build.json) when dist/ is missing or older
// than the source, so `npm start` and the `zapd` command run plain JavaScript without tsx in the
// process. `--force` builds anyway. Used by `prestart`, bin/zapd.mjs and the tests of the build.
//
// Staleness: the newest mtime of any file or folder under src/ and sim/ (a folder's mtime changes
// when a file in it is added, removed or renamed) and of the tsconfigs, against dist/.build-stamp,
// which is dated to the moment the build began, so an edit made during a build triggers the next.
// A build goes to a fresh folder that replaces dist/ whole: no output of a deleted file survives.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, realpathSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const SOURCE_FOLDERS = ['src', 'sim'];
const SOURCE_FILES = ['tsconfig.json', 'tsconfig.build.json', 'scripts/build-if-stale.mjs'];
/** Files the build copies as they are: read at run time through paths relative to the module. */
const STATIC_FOLDERS = ['src/dashboard/static'];

function newestMtime(path) {
  let stats;
  try {
    stats = statSync(path);
  } catch {
    return 0;
  }
  if (!stats.isDirectory()) return path.endsWith('.test.ts') ? 0 : stats.mtimeMs;
  let newest = stats.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** Whether `distDir` is missing or older than the source it was built from. */
export function isStale(distDir = join(root, 'dist')) {
  const stamp = join(distDir, '.build-stamp');
  if (!existsSync(stamp)) return true;
  const built = statSync(stamp).mtimeMs;
  const newest = Math.max(...[...SOURCE_FOLDERS, ...SOURCE_FILES].map((path) => newestMtime(join(root, path))));
  return newest > built;
}

/** Builds dist/ now. Throws with tsc's output when the build fails; dist/ is then left as it was. */
export function build({ quiet = false } = {}) {
  const began = new Date();
  const staging = join(root, `.dist-build-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--outDir', staging], { cwd: root, encoding: 'utf8' });
  if (result.status !== 0) {
    rmSync(staging, { recursive: true, force: true });
    throw new Error(`the build failed (tsc exit ${result.status ?? result.signal}):\n${result.stdout}${result.stderr}`);
  }
  for (const folder of STATIC_FOLDERS) cpSync(join(root, folder), join(staging, folder), { recursive: true });
  const stamp = join(staging, '.build-stamp');
  writeFileSync(stamp, `${began.toISOString()}\n`);
  utimesSync(stamp, began, began);
  const dist = join(root, 'dist');
  rmSync(dist, { recursive: true, force: true });
  try {
    renameSync(staging, dist);
  } catch (error) {
    // Another build finished first and its dist/ is just as new: keep that one.
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(join(dist, '.build-stamp'))) throw error;
  }
  if (!quiet) process.stderr.write(`zapd: built dist/ in ${((Date.now() - began.getTime()) / 1000).toFixed(1)} s\n`);
}

/** Builds when stale; returns whether it built. */
export function ensureBuilt(options = {}) {
  if (!isStale()) return false;
  if (!options.quiet) process.stderr.write('zapd: dist/ is missing or older than the source; building…\n');
  build(options);
  return true;
}

// Run as a script (not imported): argv[1] is compared by real path, as a checkout may sit behind a symlink.
if (process.argv[1] && existsSync(process.argv[1]) && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url))) {
  try {
    if (process.argv.includes('--force')) build();
    else ensureBuilt();
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
