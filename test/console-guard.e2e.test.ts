// libsignal prints whole Signal session records (private keys, root and chain keys) with console.*.
// A real session exchange through the simulator runs in a child process; its stdout and stderr must
// hold none of the key bytes libsignal had in those records.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

/** Every way a key's bytes could be printed: hex, base64, base64url, and util.inspect's `<Buffer 78 7b …>`. */
function encodings(hex: string): string[] {
  const bytes = Buffer.from(hex, 'hex');
  const spaced = hex.slice(0, 24).replace(/(..)(?!$)/g, '$1 ');
  return [hex, bytes.toString('base64').replace(/=+$/, ''), bytes.toString('base64url'), spaced];
}

test('a real session exchange prints no Signal key material, and the libsignal lines reach the debug log redacted', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'zapd-signal-'));
  const keysFile = join(dir, 'keys.json');
  try {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/signal-exchange-child.ts'], {
      env: { PATH: process.env.PATH, SIGNAL_KEYS_FILE: keysFile, ZAPD_TEST_LOG_LEVEL: 'debug' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    assert.equal(code, 0, output.slice(-3000));
    const { secrets, routed } = JSON.parse(readFileSync(keysFile, 'utf8')) as { secrets: string[]; routed: number };
    assert.ok(secrets.length > 0, 'libsignal opened or closed sessions during the exchange');
    for (const secret of secrets) {
      for (const encoded of encodings(secret)) assert.ok(!output.includes(encoded), `key bytes (${encoded.slice(0, 12)}…) reached the output`);
    }
    for (const word of ['privKey', 'rootKey', 'chainKey', 'SessionEntry', '<Buffer']) assert.ok(!output.includes(word), `'${word}' reached the output`);
    assert.ok(routed > 0, 'libsignal wrote to the console during the exchange');
    // The lines did arrive, redacted, in the debug log: the guard routes them rather than dropping them.
    assert.match(output, /"library":"libsignal".*"msg":"(Closing|Opening) session:"/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
