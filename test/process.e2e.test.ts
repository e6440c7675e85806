// zapd as a real process: `npm start`'s entry point, a generated API key, and a clean SIGTERM.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startZapdProcess } from './support/process.ts';

function withDataDir<T>(run: (dataDir: string) => Promise<T>): Promise<T> {
  const dataDir = mkdtempSync(join(tmpdir(), 'zapd-process-'));
  return run(dataDir).finally(() => rmSync(dataDir, { recursive: true, force: true }));
}

test('starts with a generated API key, serves it, and stops cleanly on SIGTERM', () =>
  withDataDir(async (dataDir) => {
    const zapd = await startZapdProcess({ ZAPD_DATA_DIR: dataDir, ZAPD_LOG_LEVEL: 'warn' });
    try {
      const keyFile = join(dataDir, 'api-key');
      assert.ok(existsSync(keyFile));
      assert.equal(statSync(keyFile).mode & 0o777, 0o600);
      const key = readFileSync(keyFile, 'utf8').trim();
      assert.ok(zapd.output.includes(key), 'the generated key is printed once');
      const denied = await fetch(`${zapd.url}/api/sessions`);
      assert.equal(denied.status, 401);
      const allowed = await fetch(`${zapd.url}/api/sessions`, { headers: { 'x-api-key': key } });
      assert.equal(allowed.status, 200);
      const health = (await (await fetch(`${zapd.url}/health`)).json()) as { status: string };
      assert.equal(health.status, 'ok');
      const docs = (await (await fetch(`${zapd.url}/docs/json`)).json()) as { openapi: string; paths: Record<string, unknown> };
      assert.equal(docs.openapi, '3.1.0');
      assert.ok(docs.paths['/api/sendText']);
      zapd.child.kill('SIGTERM');
      assert.equal(await zapd.exited, 0, zapd.output);
      assert.ok(zapd.output.includes('stopping (SIGTERM)'), zapd.output);
    } finally {
      zapd.child.kill('SIGKILL');
    }
  }));

test('POST /api/server/stop stops the server gracefully', () =>
  withDataDir(async (dataDir) => {
    const zapd = await startZapdProcess({ ZAPD_DATA_DIR: dataDir, ZAPD_LOG_LEVEL: 'warn', ZAPD_API_KEY: 'stop-key' });
    try {
      const stop = await fetch(`${zapd.url}/api/server/stop`, { method: 'POST', headers: { 'x-api-key': 'stop-key', 'content-type': 'application/json' }, body: '{}' });
      assert.equal(stop.status, 201);
      assert.equal(await zapd.exited, 0, zapd.output);
      assert.ok(zapd.output.includes('stopping (api stop)'), zapd.output);
    } finally {
      zapd.child.kill('SIGKILL');
    }
  }));

test('a start that fails is reported at once with the reason', () =>
  withDataDir(async (dataDir) => {
    const started = Date.now();
    await assert.rejects(
      startZapdProcess({ ZAPD_DATA_DIR: dataDir, PORT: 'not-a-port' }),
      (error: Error) => error.message.includes('exited') && error.message.includes('PORT'),
    );
    assert.ok(Date.now() - started < 30_000, 'failure noticed when the child exited, not at a timeout');
  }));
