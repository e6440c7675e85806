// `npm run sandbox` itself, as a user starts it: one process with the simulator and zapd. A session
// is linked through the simulator's admin API, an image goes out and one comes in with a media URL
// zapd serves. The in-process test harness points zapd at the simulator differently, which is how
// "every media send answers 500 in the sandbox" went unnoticed.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ensureCompiledBuild } from './support/build.ts';
import { startZapdProcess } from './support/process.ts';
import { waitFor } from './support/wait.ts';

const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200', 'hex').toString('base64');

/** From source through tsx (`npm run dev`-style), or the compiled build through the `zapd` command. */
async function linkSendAndReceive(launch: { entry: string } | { argv: string[] }): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'zapd-sandbox-'));
  const sandbox = await startZapdProcess(
    { ZAPD_DATA_DIR: join(dataDir, 'nested', 'data'), ZAPD_API_KEY: 'sandbox-key', PORT: '0', SIM_PORT: '0', ZAPD_LOG_LEVEL: 'warn', WAHA_PRINT_QR: 'false' },
    { ...launch, ready: /API \+ docs:\s+(http:\/\/\S+)\/docs/ },
  );
  try {
    const zapd = sandbox.url;
    const admin = /admin API at (http:\/\/\S+)\/admin/.exec(sandbox.output)?.[1];
    assert.ok(admin, sandbox.output);
    const api = async <T>(method: string, path: string, body?: unknown) => {
      const response = await fetch(`${zapd}${path}`, { method, headers: { 'x-api-key': 'sandbox-key', 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
      return { status: response.status, body: (await response.json()) as T };
    };
    const simulator = async <T>(method: string, path: string, body?: unknown) => {
      const response = await fetch(`${admin}/admin${path}`, { method, headers: { 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
      assert.ok(response.ok, `${method} ${path}: ${response.status}`);
      return (await response.json()) as T;
    };
    await simulator('POST', '/accounts', { phone: '15550004041', pushName: 'Dora' });
    assert.equal((await api('POST', '/api/sessions', { name: 'default' })).status, 201);
    const qr = await waitFor('a QR', async () => {
      const answer = await api<{ value?: string }>('GET', '/api/default/auth/qr?format=raw');
      return answer.status === 200 ? answer.body.value : undefined;
    }, 30_000);
    await simulator('POST', '/scan', { qr, phone: '15550004040' });
    await waitFor('WORKING', async () => (await api<{ status: string }>('GET', '/api/sessions/default')).body.status === 'WORKING', 30_000);

    const sent = await api<{ id: string }>('POST', '/api/sendImage', { session: 'default', chatId: '15550004041@c.us', caption: 'out', file: { mimetype: 'image/png', filename: 'p.png', data: PNG } });
    assert.equal(sent.status, 201, JSON.stringify(sent.body));
    await waitFor('Dora to get the image', async () => (await simulator<Array<{ type: string }>>('GET', '/accounts/15550004041/messages')).some((message) => message.type === 'imageMessage'));

    await simulator('POST', '/accounts/15550004041/send', { to: '15550004040', image: { data: PNG, mimetype: 'image/png', caption: 'in' } });
    const media = await waitFor('the incoming image with a media URL', async () => {
      const messages = await api<Array<{ fromMe: boolean; hasMedia: boolean; media?: { url: string | null } | null }>>('GET', '/api/default/chats/15550004041@c.us/messages?limit=10&downloadMedia=true');
      return messages.body.find((message) => !message.fromMe && message.hasMedia && message.media?.url)?.media;
    }, 30_000);
    const file = await fetch(String(media?.url), { headers: { 'x-api-key': 'sandbox-key' } });
    assert.equal(file.status, 200);
    assert.equal(Buffer.from(await file.arrayBuffer()).toString('base64'), PNG);
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.ok(existsSync(join(dataDir, 'nested', 'data', 'simulator-state.json')), 'the simulator keeps its state under ZAPD_DATA_DIR');
    assert.equal(sandbox.child.exitCode, null, sandbox.output);
  } finally {
    sandbox.child.kill('SIGTERM');
    await sandbox.exited;
    rmSync(dataDir, { recursive: true, force: true });
  }
}

test('the sandbox from source: link, send an image, receive one with a downloadable media URL', { timeout: 120_000 }, () =>
  linkSendAndReceive({ entry: 'src/sandbox.ts' }));

test('zapd sandbox, the compiled build: the same, without tsx in the process', { timeout: 420_000 }, () => {
  ensureCompiledBuild();
  return linkSendAndReceive({ argv: ['bin/zapd.mjs', 'sandbox'] });
});
