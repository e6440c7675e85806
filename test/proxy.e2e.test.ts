// config.proxy and WHATSAPP_PROXY_SERVER against real proxies (Debian's tinyproxy for HTTP CONNECT,
// microsocks for SOCKS5): the session reaches WORKING only through them, its media and file.url
// fetches go through them too, and a proxy that is down or refuses the credentials shows up as the
// session's failure instead of a quiet direct connection.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { freePort, startMicrosocks, startTinyproxy, type RunningProxy } from './support/proxies.ts';
import { waitFor } from './support/wait.ts';
import { startSandbox, type Sandbox } from './support/zapd.ts';

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex');

interface SessionView {
  status: string;
  failure?: string;
}
interface ContactMessage {
  id: string;
  type: string;
}
interface StoredMessage {
  id: string;
  hasMedia: boolean;
  media: { url: string | null; error: unknown } | null;
}

const count = (text: string, needle: string): number => text.split(needle).length - 1;

describe('per-session and global proxies', () => {
  let sandbox: Sandbox;
  let tinyproxy: RunningProxy;
  let microsocks: RunningProxy;
  let site: Server;
  let sitePort = 0;
  let simAddress = '';

  const session = (name: string) => sandbox.zapd.api<SessionView>('GET', `/api/sessions/${name}`);
  const received = (phone: string, id: string) =>
    waitFor(`${phone} to receive ${id}`, async () => (await sandbox.admin<ContactMessage[]>('GET', `/accounts/${phone}/messages`)).find((message) => id.endsWith(`_${message.id}`)));

  /** Creates a session with `proxy`, scans its QR as `phone`, waits for WORKING. */
  async function linkThrough(name: string, phone: string, proxy: Record<string, string>): Promise<void> {
    const created = await sandbox.zapd.api('POST', '/api/sessions', { name, config: { proxy } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    await sandbox.waitForStatus(name, 'SCAN_QR_CODE');
    const qr = await sandbox.zapd.api<{ value: string }>('GET', `/api/${name}/auth/qr?format=raw`);
    await sandbox.simulator.scan(qr.body.value, phone);
    await sandbox.waitForStatus(name, 'WORKING');
  }

  /** Stays out of WORKING for a while and settles with a failure naming the proxy. */
  async function failsThrough(name: string, expected: { status: string; failure: RegExp }): Promise<void> {
    const failed = await waitFor(`${name} to report its proxy failure`, async () => {
      const view = (await session(name)).body;
      assert.notEqual(view.status, 'WORKING');
      return view.status === expected.status && view.failure ? view : undefined;
    });
    assert.match(failed.failure ?? '', expected.failure);
    assert.doesNotMatch(failed.failure ?? '', /secret|wrong/, 'the failure never shows the credentials');
  }

  before(async () => {
    site = createServer((request, response) => {
      if (request.url === '/page') return void response.writeHead(200, { 'content-type': 'text/html' }).end('<html><head><title>Proxied page</title></head></html>');
      response.writeHead(200, { 'content-type': 'image/png' }).end(PNG);
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    sitePort = (site.address() as AddressInfo).port;
    // file.url may reach the test site (127.0.0.1 only); the guard stays on for everything else.
    sandbox = await startSandbox('sqlite', { ZAPD_MEDIA_URL_ALLOWLIST: '127.0.0.1' });
    simAddress = `127.0.0.1:${sandbox.simulator.port}`;
    const mediaPort = Number(sandbox.simulator.mediaHost.split(':').at(-1));
    // ConnectPort: the proxy tunnels to the simulator, its media host and the test site, nothing else.
    tinyproxy = await startTinyproxy({ username: 'zapd', password: 'secret-http', connectPorts: [sandbox.simulator.port, mediaPort, sitePort] });
    microsocks = await startMicrosocks({ username: 'zapd', password: 'secret-socks' });
    for (const [phone, pushName] of [['15550009301', 'Hana'], ['15550009302', 'Ivo']]) await sandbox.admin('POST', '/accounts', { phone, pushName });
  });
  after(async () => {
    await sandbox.close();
    await tinyproxy.stop();
    await microsocks.stop();
    site.closeAllConnections();
    site.close();
  });

  test('through tinyproxy (WAHA host:port form): WORKING, media both ways and file.url all tunnel through it', async () => {
    await linkThrough('http-proxied', '15550009310', { server: `127.0.0.1:${tinyproxy.port}`, username: 'zapd', password: 'secret-http' });
    assert.ok(count(tinyproxy.log(), `CONNECT ${simAddress} `) >= 1, 'the WebSocket reached the simulator through the proxy');

    const mediaConnects = () => count(tinyproxy.log(), `CONNECT ${sandbox.simulator.mediaHost} `);
    const beforeUpload = mediaConnects();
    const sent = await sandbox.zapd.api<{ id: string }>('POST', '/api/sendImage', { session: 'http-proxied', chatId: '15550009301', file: { data: PNG.toString('base64'), mimetype: 'image/png' } });
    assert.equal(sent.status, 201, JSON.stringify(sent.body));
    assert.equal((await received('15550009301', sent.body.id)).type, 'imageMessage');
    assert.ok(mediaConnects() > beforeUpload, 'the upload went to the media host through the proxy');

    const beforeDownload = mediaConnects();
    await sandbox.admin('POST', '/accounts/15550009301/send', { to: '15550009310', image: { data: PNG.toString('base64'), mimetype: 'image/png' } });
    const incoming = await waitFor('the incoming image to be downloaded', async () => {
      const messages = await sandbox.zapd.api<StoredMessage[]>('GET', '/api/http-proxied/chats/15550009301@c.us/messages?limit=10&downloadMedia=true');
      return messages.body.find((message) => message.hasMedia && !message.id.startsWith('true_') && message.media?.url);
    });
    assert.equal(incoming.media?.error, null);
    assert.ok(mediaConnects() > beforeDownload, 'the download came from the media host through the proxy');

    const byUrl = await sandbox.zapd.api<{ id: string }>('POST', '/api/sendImage', { session: 'http-proxied', chatId: '15550009301', file: { url: `http://localhost:${sitePort}/pixel.png` } });
    assert.equal(byUrl.status, 201, JSON.stringify(byUrl.body));
    // zapd resolved "localhost" itself, checked it, and asked the proxy for the checked address only.
    assert.ok(count(tinyproxy.log(), `CONNECT 127.0.0.1:${sitePort} `) >= 1, 'file.url was fetched through the proxy');
    assert.equal(count(tinyproxy.log(), 'CONNECT localhost'), 0);

    const beforePreview = count(tinyproxy.log(), `CONNECT 127.0.0.1:${sitePort} `);
    const text = await sandbox.zapd.api<{ id: string }>('POST', '/api/sendText', { session: 'http-proxied', chatId: '15550009301', text: `see http://127.0.0.1:${sitePort}/page` });
    assert.equal(text.status, 201, JSON.stringify(text.body));
    const preview = await waitFor('the preview to arrive', async () => {
      const messages = await sandbox.admin<Array<ContactMessage & { linkPreview: { title: string | null } | null }>>('GET', '/accounts/15550009301/messages');
      return messages.find((message) => text.body.id.endsWith(`_${message.id}`));
    });
    assert.equal(preview.linkPreview?.title, 'Proxied page');
    assert.ok(count(tinyproxy.log(), `CONNECT 127.0.0.1:${sitePort} `) > beforePreview, 'the link preview was fetched through the proxy');
  });

  test('with a proxy the address guard still refuses private URLs, before the proxy is asked', async () => {
    const before = count(tinyproxy.log(), 'CONNECT ');
    for (const url of [`http://127.0.0.2:${sitePort}/x.png`, `http://[::1]:${sitePort}/x.png`, 'http://169.254.169.254/latest/meta-data']) {
      const refused = await sandbox.zapd.api<{ message: string }>('POST', '/api/sendImage', { session: 'http-proxied', chatId: '15550009301', file: { url } });
      assert.equal(refused.status, 400, `${url}: ${JSON.stringify(refused.body)}`);
      assert.match(refused.body.message, /private, reserved or local/);
    }
    assert.equal(count(tinyproxy.log(), 'CONNECT '), before, 'no refused URL reached the proxy');
  });

  test('through microsocks (socks5://): WORKING, and a file.url image goes out through it', async () => {
    await linkThrough('socks-proxied', '15550009320', { server: `socks5://127.0.0.1:${microsocks.port}`, username: 'zapd', password: 'secret-socks' });
    assert.ok(count(microsocks.log(), `connected to ${simAddress}`) >= 1, microsocks.log());
    const beforeSend = count(microsocks.log(), `connected to ${sandbox.simulator.mediaHost}`);
    const sent = await sandbox.zapd.api<{ id: string }>('POST', '/api/sendImage', { session: 'socks-proxied', chatId: '15550009302', file: { url: `http://127.0.0.1:${sitePort}/pixel.png` } });
    assert.equal(sent.status, 201, JSON.stringify(sent.body));
    assert.equal((await received('15550009302', sent.body.id)).type, 'imageMessage');
    assert.ok(count(microsocks.log(), `connected to 127.0.0.1:${sitePort}`) >= 1, 'file.url went through the SOCKS proxy');
    assert.ok(count(microsocks.log(), `connected to ${sandbox.simulator.mediaHost}`) > beforeSend, 'the upload went through the SOCKS proxy');
  });

  test('a proxy on a closed port keeps the session from WhatsApp and says why', async () => {
    const closedPort = await freePort();
    const created = await sandbox.zapd.api('POST', '/api/sessions', { name: 'proxy-down', config: { proxy: { server: `127.0.0.1:${closedPort}` } } });
    assert.equal(created.status, 201);
    await failsThrough('proxy-down', { status: 'STARTING', failure: new RegExp(`proxy http://127\\.0\\.0\\.1:${closedPort} is unreachable: .*ECONNREFUSED`) });
    const qr = await sandbox.zapd.api<{ message: string }>('GET', '/api/proxy-down/auth/qr?format=raw');
    assert.equal(qr.status, 422);
    assert.match(qr.body.message, /unreachable/);
  });

  test('changing config.proxy in PUT restarts the session through the new proxy', async () => {
    const connects = count(microsocks.log(), `connected to ${simAddress}`);
    const updated = await sandbox.zapd.api('PUT', '/api/sessions/proxy-down', { config: { proxy: { server: `socks5://127.0.0.1:${microsocks.port}`, username: 'zapd', password: 'secret-socks' } } });
    assert.equal(updated.status, 200, JSON.stringify(updated.body));
    await sandbox.waitForStatus('proxy-down', 'SCAN_QR_CODE');
    assert.equal((await session('proxy-down')).body.failure, undefined, 'the old failure is gone once the session got through');
    assert.ok(count(microsocks.log(), `connected to ${simAddress}`) > connects);
  });

  test('wrong credentials fail the session for good, for both kinds of proxy', async () => {
    for (const [name, server, password] of [
      ['http-wrong-password', `http://127.0.0.1:${tinyproxy.port}`, 'wrong-http'],
      ['socks-wrong-password', `socks5://127.0.0.1:${microsocks.port}`, 'wrong-socks'],
    ] as const) {
      const created = await sandbox.zapd.api('POST', '/api/sessions', { name, config: { proxy: { server, username: 'zapd', password } } });
      assert.equal(created.status, 201);
      await failsThrough(name, { status: 'FAILED', failure: new RegExp(`proxy ${server.replace(/[.]/g, '\\.')} refused the credentials`) });
    }
    // The fix is a config change: PUT restarts the FAILED session with the right password.
    const fixed = await sandbox.zapd.api('PUT', '/api/sessions/http-wrong-password', { config: { proxy: { server: `http://127.0.0.1:${tinyproxy.port}`, username: 'zapd', password: 'secret-http' } } });
    assert.equal(fixed.status, 200, JSON.stringify(fixed.body));
    await sandbox.waitForStatus('http-wrong-password', 'SCAN_QR_CODE');
  });

  test('a config.proxy zapd cannot use is a 400, not a session that quietly connects directly', async () => {
    for (const server of ['ftp://127.0.0.1:21', '127.0.0.1', 'socks5://127.0.0.1:1080/path', 'http://[nope']) {
      const response = await sandbox.zapd.api<{ statusCode: number; message: string }>('POST', '/api/sessions', { name: 'bad-proxy', config: { proxy: { server } } });
      assert.equal(response.status, 400, `${server}: ${JSON.stringify(response.body)}`);
      assert.match(response.body.message, /proxy/);
    }
  });
});

describe('WHATSAPP_PROXY_SERVER', () => {
  test('is the proxy of every session without its own, with its username and password', async () => {
    const microsocks = await startMicrosocks({ username: 'global', password: 'secret-global' });
    const sandbox = await startSandbox('sqlite', {
      WHATSAPP_PROXY_SERVER: `socks5://127.0.0.1:${microsocks.port}`,
      WHATSAPP_PROXY_SERVER_USERNAME: 'global',
      WHATSAPP_PROXY_SERVER_PASSWORD: 'secret-global',
    });
    try {
      await sandbox.linkSession('main', '15550009330');
      assert.ok(count(microsocks.log(), `connected to 127.0.0.1:${sandbox.simulator.port}`) >= 1, microsocks.log());
      // A session's own proxy wins over the global one.
      const closedPort = await freePort();
      await sandbox.zapd.api('POST', '/api/sessions', { name: 'own-proxy', config: { proxy: { server: `127.0.0.1:${closedPort}` } } });
      await waitFor('own-proxy to report its proxy', async () => (await sandbox.zapd.api<SessionView>('GET', '/api/sessions/own-proxy')).body.failure?.includes(`127.0.0.1:${closedPort}`));
    } finally {
      await sandbox.close();
      await microsocks.stop();
    }
  });
});
