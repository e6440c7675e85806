// ZAPD_LOG_FORMAT in a real zapd process: pretty lines a person reads, or one JSON object a line.
// And console-guard.ts routes a library's console call into either kind of logger.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { startZapdProcess } from './support/process.ts';

async function logLinesOf(format: string): Promise<string[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'zapd-logs-'));
  const zapd = await startZapdProcess({ ZAPD_DATA_DIR: dataDir, ZAPD_LOG_LEVEL: 'info', ZAPD_LOG_FORMAT: format });
  try {
    zapd.child.kill('SIGTERM');
    assert.equal(await zapd.exited, 0, zapd.output);
    // The lines zapd writes itself with process.stdout.write are plain text in both formats.
    return zapd.output.split('\n').filter((line) => line.includes('store ready') || line.includes('generated one'));
  } finally {
    zapd.child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
}

test('ZAPD_LOG_FORMAT=json writes one JSON object a line', async () => {
  const lines = await logLinesOf('json');
  assert.equal(lines.length, 2, lines.join('\n'));
  for (const line of lines) {
    const entry = JSON.parse(line) as { level: number; msg: string };
    assert.equal(typeof entry.level, 'number');
    assert.equal(typeof entry.msg, 'string');
  }
});

test('ZAPD_LOG_FORMAT=pretty writes readable lines, not JSON, without colour codes off a terminal', async () => {
  const lines = await logLinesOf('pretty');
  assert.equal(lines.length, 2, lines.join('\n'));
  for (const line of lines) {
    assert.throws(() => JSON.parse(line), SyntaxError, line);
    assert.match(line, /^\[\d\d:\d\d:\d\d\.\d{3}\] (INFO|WARN)/);
    assert.ok(!line.includes('\u001b['), 'no ANSI colours when stdout is a pipe');
  }
});

test('an invalid ZAPD_LOG_FORMAT stops the start with a message naming the variable', async () => {
  await assert.rejects(startZapdProcess({ ZAPD_LOG_FORMAT: 'xml' }), (error: Error) => error.message.includes("ZAPD_LOG_FORMAT must be one of pretty, json, got 'xml'"));
});

test("a library's console call is routed into the pretty logger too, redacted, at debug level", () => {
  // The guard recognises libraries by the path of the calling frame: a module under node_modules/libsignal/.
  const dir = mkdtempSync(join(tmpdir(), 'zapd-guard-'));
  try {
    const library = join(dir, 'node_modules', 'libsignal');
    mkdirSync(library, { recursive: true });
    writeFileSync(join(library, 'index.mjs'), "export function closeSession() { console.info('Closing session:', { privKey: Buffer.from('00112233445566778899aabbccddeeff', 'hex') }); }\n");
    const script = join(dir, 'child.mts');
    const here = (path: string) => JSON.stringify(pathToFileURL(join(process.cwd(), path)).href);
    writeFileSync(
      script,
      [
        `import { createLogger } from ${here('src/runtime/logger.ts')};`,
        `import { installConsoleGuard } from ${here('src/runtime/console-guard.ts')};`,
        `import { closeSession } from ${JSON.stringify(pathToFileURL(join(library, 'index.mjs')).href)};`,
        "installConsoleGuard(createLogger({ level: 'debug', format: 'pretty' }));",
        'closeSession();',
        "console.log('our own line');",
      ].join('\n'),
    );
    const child = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
    assert.equal(child.status, 0, child.stderr);
    const routed = child.stdout.split('\n').find((line) => line.includes('Closing session:'));
    assert.ok(routed, child.stdout);
    assert.match(routed, /DEBUG/);
    assert.ok(!child.stdout.includes('00112233445566778899aabbccddeeff') && !child.stdout.includes('ABEiM0RVZneImaq7zN3u7w'), child.stdout);
    assert.ok(child.stdout.includes('libsignal'), child.stdout);
    assert.ok(child.stdout.split('\n').includes('our own line'), 'our own console output is left as it was');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
