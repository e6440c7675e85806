// zapd as a real process: `npm start`'s entry point, a generated API key, and a clean SIGTERM.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { waitFor } from './support/wait.ts';

/** `src/main.ts` as its own process, its output collected. */
function spawnZapd(extraEnv: Record<string, string> = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'zapd-process-'));
  const port = 38000 + Math.floor(Math.random() * 2000);
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { PATH: process.env.PATH, ZAPD_DATA_DIR: dataDir, PORT: String(port), ZAPD_HOST: '127.0.0.1', ZAPD_LOG_LEVEL: 'warn', ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const running = { child, dataDir, port, output: '' };
  child.stdout.on('data', (chunk: Buffer) => (running.output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (running.output += chunk.toString()));
  return running;
}

test('starts with a generated API key, serves it, and stops cleanly on SIGTERM', async () => {
  const zapd = spawnZapd();
  const { child, dataDir, port } = zapd;
  try {
    await waitFor('zapd to listen', () => zapd.output.includes('listening on'), 30_000);
    const keyFile = join(dataDir, 'api-key');
    assert.ok(existsSync(keyFile));
    assert.equal(statSync(keyFile).mode & 0o777, 0o600);
    const key = readFileSync(keyFile, 'utf8').trim();
    assert.ok(zapd.output.includes(key), 'the generated key is printed once');
    const denied = await fetch(`http://127.0.0.1:${port}/api/sessions`);
    assert.equal(denied.status, 401);
    const allowed = await fetch(`http://127.0.0.1:${port}/api/sessions`, { headers: { 'x-api-key': key } });
    assert.equal(allowed.status, 200);
    const health = (await (await fetch(`http://127.0.0.1:${port}/health`)).json()) as { status: string };
    assert.equal(health.status, 'ok');
    const docs = (await (await fetch(`http://127.0.0.1:${port}/docs/json`)).json()) as { openapi: string; paths: Record<string, unknown> };
    assert.equal(docs.openapi, '3.1.0');
    assert.ok(docs.paths['/api/sendText']);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
    assert.ok(zapd.output.includes('stopping (SIGTERM)'));
  } finally {
    child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('POST /api/server/stop stops the server gracefully', async () => {
  const zapd = spawnZapd({ ZAPD_API_KEY: 'stop-key' });
  const { child, dataDir, port } = zapd;
  try {
    await waitFor('zapd to listen', () => zapd.output.includes('listening on'), 30_000);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const stop = await fetch(`http://127.0.0.1:${port}/api/server/stop`, { method: 'POST', headers: { 'x-api-key': 'stop-key', 'content-type': 'application/json' }, body: '{}' });
    assert.equal(stop.status, 201);
    assert.equal(await exited, 0);
    assert.ok(zapd.output.includes('stopping (api stop)'));
  } finally {
    child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
});
