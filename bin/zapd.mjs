#!/usr/bin/env node
// The `zapd` command. It runs the compiled build in dist/, building it first when dist/ is missing
// or older than the source (see scripts/build-if-stale.mjs): plain node, no TypeScript loader.
import { ensureBuilt } from '../scripts/build-if-stale.mjs';

function fail(error) {
  // One line, no stack trace: what went wrong is in the message (a ConfigError names its variable).
  process.stderr.write(`zapd: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}

try {
  ensureBuilt();
} catch (error) {
  fail(error);
}
try {
  const { runCli } = await import('../dist/src/cli/main.js');
  const code = await runCli(process.argv.slice(2));
  if (code !== undefined) process.exitCode = code;
} catch (error) {
  fail(error);
}
