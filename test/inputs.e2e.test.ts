// Inputs WAHA documents that zapd used to accept and ignore: WAHA_PRINT_QR, config.debug,
// request-code's method, and server/stop's force. Each one here must do what it says.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startSimulator } from '../sim/index.ts';
import { startZapdProcess, type ZapdProcess } from './support/process.ts';
import { waitFor } from './support/wait.ts';
import { startSandbox } from './support/zapd.ts';

const KEY = 'inputs-key';

async function withZapdProcess(env: Record<string, string>, run: (zapd: ZapdProcess, call: (method: string, path: string, body?: unknown) => Promise<{ status: number; body: Record<string, unknown> }>) => Promise<void>) {
  const simulator = await startSimulator({ port: 0, logLevel: 'silent' });
  const dataDir = mkdtempSync(join(tmpdir(), 'zapd-inputs-'));
  const zapd = await startZapdProcess({ ZAPD_DATA_DIR: dataDir, ZAPD_API_KEY: KEY, ZAPD_WA_URL: simulator.wsUrl, ZAPD_LOG_FORMAT: 'json', ...env });
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${zapd.url}${path}`, { method, headers: { 'x-api-key': KEY, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  try {
    await run(zapd, call);
  } finally {
    zapd.child.kill('SIGKILL');
    await zapd.exited;
    await simulator.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const QR_BLOCKS = /[▀▄█]{10,}/;

test('WAHA_PRINT_QR prints a waiting session QR to the terminal, and false keeps it quiet', async () => {
  await withZapdProcess({ ZAPD_LOG_LEVEL: 'warn' }, async (zapd, call) => {
    assert.equal((await call('POST', '/api/sessions', { name: 'shown' })).status, 201);
    await waitFor('the QR on stdout', () => zapd.output.includes("Session 'shown' waits for a scan") && QR_BLOCKS.test(zapd.output), 30_000);
  });
  await withZapdProcess({ ZAPD_LOG_LEVEL: 'warn', WAHA_PRINT_QR: 'False' }, async (zapd, call) => {
    assert.equal((await call('POST', '/api/sessions', { name: 'hidden' })).status, 201);
    await waitFor('the session to wait for a scan', async () => (await call('GET', '/api/sessions/hidden')).body.status === 'SCAN_QR_CODE', 30_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.ok(!QR_BLOCKS.test(zapd.output), 'no QR printed');
  });
});

test('config.debug makes that session, and only it, log at debug level', async () => {
  await withZapdProcess({ ZAPD_LOG_LEVEL: 'info' }, async (zapd, call) => {
    assert.equal((await call('POST', '/api/sessions', { name: 'loud', config: { debug: true } })).status, 201);
    assert.equal((await call('POST', '/api/sessions', { name: 'calm' })).status, 201);
    const debugLines = (session: string) =>
      zapd.output
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as { level: number; session?: string })
        .filter((entry) => entry.level === 20 && entry.session === session);
    await waitFor('debug lines of the loud session', () => debugLines('loud').length > 0, 30_000);
    await waitFor('the calm session to wait for a scan', async () => (await call('GET', '/api/sessions/calm')).body.status === 'SCAN_QR_CODE', 30_000);
    assert.equal(debugLines('calm').length, 0);
  });
});

test("request-code's sms and voice methods are refused with the reason; without one it pairs", async () => {
  const sandbox = await startSandbox();
  try {
    const { zapd } = sandbox;
    assert.equal((await zapd.api('POST', '/api/sessions', { name: 'pair' })).status, 201);
    await sandbox.waitForStatus('pair', 'SCAN_QR_CODE');
    // WAHA's 422 for a session that is not ready names it, its status and what the call needs.
    const early = await zapd.api<Record<string, unknown>>('POST', '/api/sendText', { session: 'pair', chatId: '15550009192', text: 'too soon' });
    assert.equal(early.status, 422);
    assert.deepEqual({ statusCode: early.body.statusCode, session: early.body.session, status: early.body.status, expected: early.body.expected }, { statusCode: 422, session: 'pair', status: 'SCAN_QR_CODE', expected: ['WORKING'] });
    assert.equal(typeof early.body.message, 'string');
    assert.equal(typeof early.body.error, 'string');
    for (const method of ['sms', 'voice']) {
      const refused = await zapd.api<{ statusCode: number; message: string }>('POST', '/api/pair/auth/request-code', { phoneNumber: '15550009191', method });
      assert.equal(refused.status, 501, JSON.stringify(refused.body));
      assert.match(refused.body.message, /linked device/);
    }
    const paired = await zapd.api<{ code: string }>('POST', '/api/pair/auth/request-code', { phoneNumber: '15550009191', method: null });
    assert.equal(paired.status, 201, JSON.stringify(paired.body));
    assert.match(paired.body.code, /^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
  } finally {
    await sandbox.close();
  }
});

test('server/stop with force exits at once, without the graceful steps', async () => {
  await withZapdProcess({ ZAPD_LOG_LEVEL: 'warn', WAHA_PRINT_QR: 'false' }, async (zapd, call) => {
    const stop = await call('POST', '/api/server/stop', { force: true });
    assert.equal(stop.status, 201);
    assert.equal(await zapd.exited, 0, zapd.output);
    assert.ok(zapd.output.includes('stopping at once (api stop, force)'), zapd.output);
    assert.ok(!zapd.output.includes('zapd: stopping (api stop)'), 'the graceful path did not run');
  });
});

test('downloadMedia=false lists messages that have media without it', async () => {
  const sandbox = await startSandbox();
  try {
    await sandbox.admin('POST', '/accounts', { phone: '15550009292', pushName: 'Pia' });
    await sandbox.linkSession('main', '15550009290');
    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200', 'hex').toString('base64');
    await sandbox.admin('POST', '/accounts/15550009292/send', { to: '15550009290', image: { data: png, mimetype: 'image/png', caption: 'a picture' } });
    type Listed = Array<{ hasMedia: boolean; media: { url: string | null } | null }>;
    const withMedia = await waitFor('the image with its media', async () => {
      const listed = await sandbox.zapd.api<Listed>('GET', '/api/main/chats/15550009292@c.us/messages?limit=5');
      return listed.body.find((message) => message.hasMedia && message.media?.url);
    });
    assert.ok(withMedia.media?.url);
    const without = await sandbox.zapd.api<Listed>('GET', '/api/main/chats/15550009292@c.us/messages?limit=5&downloadMedia=false');
    assert.equal(without.status, 200);
    const image = without.body.find((message) => message.hasMedia);
    assert.ok(image, 'the message still says it has media');
    assert.equal(image.media, null);
  } finally {
    await sandbox.close();
  }
});

test("a channel created with a picture has it, and a picture that is not a file is refused", async () => {
  const { Jimp } = await import('jimp');
  const sandbox = await startSandbox();
  try {
    await sandbox.linkSession('main', '15550009393');
    const png = await new Jimp({ width: 96, height: 96, color: 0x2277ddff }).getBuffer('image/png');
    const created = await sandbox.zapd.api<{ id: string; picture: string | null }>('POST', '/api/main/channels', { name: 'With a face', picture: { mimetype: 'image/png', data: png.toString('base64') } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.match(String(created.body.picture), /^https:\/\/mmg\.whatsapp\.net\/v\//);
    const held = await sandbox.admin<Array<{ id: string; picture: { bytes: number } | null }>>('GET', '/channels');
    assert.ok((held.find((channel) => channel.id === created.body.id)?.picture?.bytes ?? 0) > 100, 'the network holds the picture');
    const plain = await sandbox.zapd.api<{ picture: string | null }>('POST', '/api/main/channels', { name: 'Faceless' });
    assert.equal(plain.status, 201);
    assert.equal(plain.body.picture, null);
    const refused = await sandbox.zapd.api('POST', '/api/main/channels', { name: 'Broken', picture: 12345 });
    assert.equal(refused.status, 400);
    const notImage = await sandbox.zapd.api('POST', '/api/main/channels', { name: 'Not an image', picture: { mimetype: 'image/png', data: Buffer.from('plain text').toString('base64') } });
    assert.equal(notImage.status, 422, JSON.stringify(notImage.body));
  } finally {
    await sandbox.close();
  }
});
