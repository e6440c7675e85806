// The attacks from the media-fetching security report, replayed against a running zapd: each must get a
// clear 4xx (or a sent message) while zapd keeps answering /ping.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { after, before, describe, test } from 'node:test';
import { waitFor } from './support/wait.ts';
import { startSandbox, type Sandbox } from './support/zapd.ts';

const ME = '15550009200';
const ERIN = '15550009201';

interface ContactMessage {
  id: string;
  type: string;
  media: { filename: string | null } | null;
  linkPreview: { title: string | null } | null;
}

describe('hostile media URLs against a running zapd', () => {
  let sandbox: Sandbox;
  let site: Server;
  let origin = '';
  const timers = new Set<NodeJS.Timeout>();
  const hostilePage = Buffer.from('<title>'.repeat((2 * 1024 * 1024) / 7));

  const erinReceived = (id: string) =>
    waitFor(`erin to receive ${id}`, async () => (await sandbox.admin<ContactMessage[]>('GET', `/accounts/${ERIN}/messages`)).find((message) => id.endsWith(`_${message.id}`)));
  const sendFile = (url: string) =>
    sandbox.zapd.api<{ id: string; statusCode: number; message: string }>('POST', '/api/sendFile', { session: 'main', chatId: ERIN, file: { url, mimetype: 'application/pdf' } });

  before(async () => {
    site = createServer((request, response) => {
      const path = request.url ?? '/';
      if (path === '/trickle') {
        response.writeHead(200, { 'content-type': 'application/pdf' });
        const timer = setInterval(() => response.write('%'), 200);
        timers.add(timer);
        response.on('close', () => clearInterval(timer));
        return;
      }
      if (path === '/huge') return void response.writeHead(200, { 'content-length': 3 * 1024 * 1024 }).end();
      if (path === '/hostile') return void response.writeHead(200, { 'content-type': 'text/html' }).end(hostilePage);
      const disposition = path === '/bad-disposition' ? { 'content-disposition': `attachment; filename*=UTF-8''%E0%A4%A` } : {};
      response.writeHead(200, { 'content-type': 'application/pdf', ...disposition }).end('%PDF-1.4 zapd');
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
    // The guard stays on; only the test server's address is opened.
    sandbox = await startSandbox('sqlite', { ZAPD_MEDIA_URL_ALLOWLIST: '127.0.0.1', ZAPD_MEDIA_URL_TIMEOUT_SECONDS: '1', ZAPD_MEDIA_URL_MAX_MB: '1' });
    await sandbox.linkSession('main', ME);
    await sandbox.admin('POST', '/accounts', { phone: ERIN, pushName: 'Erin' });
  });
  after(async () => {
    for (const timer of timers) clearInterval(timer);
    site.closeAllConnections();
    site.close();
    await sandbox.close();
  });

  test('malformed escapes in the URL path or Content-Disposition send the file under a safe name', async () => {
    for (const [path, filename] of [['/files/%E0%A4%A', '%E0%A4%A'], ['/bad-disposition', 'bad-disposition']] as const) {
      const sent = await sendFile(`${origin}${path}`);
      assert.equal(sent.status, 201, JSON.stringify(sent.body));
      assert.equal((await erinReceived(sent.body.id)).media?.filename, filename);
    }
    assert.equal((await sandbox.zapd.api('GET', '/ping')).status, 200);
  });

  test('a trickling server hits the total deadline (422), a huge file the size cap (413)', async () => {
    const started = performance.now();
    const slow = await sendFile(`${origin}/trickle`);
    assert.equal(slow.status, 422, JSON.stringify(slow.body));
    assert.ok(performance.now() - started < 3_000);
    const huge = await sendFile(`${origin}/huge`);
    assert.equal(huge.status, 413, JSON.stringify(huge.body));
  });

  test('the allowlist opens exactly 127.0.0.1: other loopback, metadata and own addresses stay refused', async () => {
    const own = Object.values(networkInterfaces()).flatMap((entries) => entries ?? []).filter((entry) => entry.family === 'IPv4' && !entry.internal);
    // Port 1 everywhere: were the guard to let one through, nothing listens there.
    const urls = [`http://127.0.0.2:1/x.pdf`, 'http://169.254.169.254/latest/meta-data/', ...own.map((entry) => `http://${entry.address}:1/metrics`)];
    for (const url of urls) {
      const refused = await sendFile(url);
      assert.equal(refused.status, 400, `${url}: ${JSON.stringify(refused.body)}`);
      assert.match(refused.body.message, /refused/);
    }
  });

  test('sendText linking a 2 MB page of "<title>" keeps /ping answering', async () => {
    let slowestPingMs = 0;
    let sending = true;
    const pinger = (async () => {
      while (sending) {
        const started = performance.now();
        assert.equal((await sandbox.zapd.api('GET', '/ping')).status, 200);
        slowestPingMs = Math.max(slowestPingMs, performance.now() - started);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    const started = performance.now();
    const sent = await sandbox.zapd.api<{ id: string }>('POST', '/api/sendText', { session: 'main', chatId: ERIN, text: `look ${origin}/hostile` });
    const elapsed = performance.now() - started;
    sending = false;
    await pinger;
    assert.equal(sent.status, 201, JSON.stringify(sent.body));
    // Before the bounded reader this page held /ping for 206 s; a busy machine stretches any timer, so
    // the bounds leave room for scheduling while still catching a blocked loop.
    assert.ok(elapsed < 8_000, `sendText took ${elapsed.toFixed(0)} ms`);
    assert.ok(slowestPingMs < 1_000, `/ping took up to ${slowestPingMs.toFixed(0)} ms`);
    await erinReceived(sent.body.id);
  });
});
