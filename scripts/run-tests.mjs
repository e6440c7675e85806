// Runs every *.test.ts under test/, sim/ and src/ with Node's test runner. Node 20's `--test` takes
// no glob patterns, so the file list is built here; the run fails if no test file exists at all.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const roots = ['test', 'sim', 'src'];
const only = process.argv.slice(2);

function collect(dir, found) {
  let entries;
  try { entries = readdirSync(dir); } catch { return found; }
  for (const entry of entries) {
    if (entry === 'node_modules') continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) collect(path, found);
    else if (entry.endsWith('.test.ts')) found.push(path);
  }
  return found;
}

let files = roots.flatMap((root) => collect(root, [])).sort();
if (only.length > 0) files = files.filter((file) => only.some((part) => file.includes(part)));
if (files.length === 0) {
  console.error('run-tests: no test files found');
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-force-exit', '--test-timeout=180000', ...files],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
