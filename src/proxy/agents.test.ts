// The tunnel and both agent shapes against real proxies (tinyproxy, microsocks) and a real HTTPS
// server with its own certificate (the simulator's, made for localhost and 127.0.0.1).
import assert from 'node:assert/strict';
import { get, type Agent } from 'node:https';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { fetch as undiciFetch } from 'undici';
import { createTlsCredentials } from '../../sim/transport/tls.ts';
import { freePort, startMicrosocks, startTinyproxy, type RunningProxy } from '../../test/support/proxies.ts';
import { proxyAgent, proxyDispatcher } from './agents.ts';
import type { ProxySettings } from './settings.ts';
import { openTunnel, ProxyError } from './tunnel.ts';

const count = (text: string, needle: string): number => text.split(needle).length - 1;

function getThrough(url: string, agent: Agent): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get(url, { agent }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

describe('proxy tunnels', () => {
  const credentials = createTlsCredentials();
  let site: Server;
  let port = 0;
  let tinyproxy: RunningProxy;
  let microsocks: RunningProxy;
  let http: ProxySettings;
  let socks: ProxySettings;

  before(async () => {
    site = createServer({ cert: credentials.certificate, key: credentials.privateKey }, (request, response) => response.end(`hello ${request.headers.host}`));
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    port = (site.address() as AddressInfo).port;
    tinyproxy = await startTinyproxy({ username: 'u', password: 'secret-1', connectPorts: [port] });
    microsocks = await startMicrosocks({ username: 'u', password: 'secret-2' });
    http = { protocol: 'http', host: '127.0.0.1', port: tinyproxy.port, username: 'u', password: 'secret-1' };
    socks = { protocol: 'socks5', host: '127.0.0.1', port: microsocks.port, username: 'u', password: 'secret-2' };
  });
  after(async () => {
    site.closeAllConnections();
    site.close();
    await tinyproxy.stop();
    await microsocks.stop();
  });

  test('the node agent speaks TLS to the far end by name, over a tunnel pinned to the address it was given', async () => {
    for (const settings of [http, socks]) {
      const agent = proxyAgent(settings, { tls: { ca: credentials.certificate }, pinAddress: async (hostname) => (hostname === 'localhost' ? '127.0.0.1' : 'never') });
      const answer = await getThrough(`https://localhost:${port}/`, agent as unknown as Agent);
      assert.deepEqual(answer, { status: 200, body: `hello localhost:${port}` });
    }
    assert.ok(count(tinyproxy.log(), `CONNECT 127.0.0.1:${port} `) >= 1);
    assert.equal(count(tinyproxy.log(), 'CONNECT localhost'), 0);
    assert.ok(count(microsocks.log(), `connected to 127.0.0.1:${port}`) >= 1);
  });

  test('a certificate the far end cannot prove is refused through the tunnel too', async () => {
    const agent = proxyAgent(http, {});
    await assert.rejects(getThrough(`https://localhost:${port}/`, agent as unknown as Agent), /self.signed|certificate/i);
  });

  test('the undici dispatcher fetches through both kinds (socks5h leaves the name to the proxy)', async () => {
    const socksByName: ProxySettings = { ...socks, protocol: 'socks5h' };
    for (const settings of [http, socks, socksByName]) {
      const response = await undiciFetch(`https://localhost:${port}/`, { dispatcher: proxyDispatcher(settings, { ca: credentials.certificate }) });
      assert.equal(response.status, 200);
      assert.equal(await response.text(), `hello localhost:${port}`);
    }
    assert.ok(count(microsocks.log(), `connected to localhost:${port}`) >= 1, microsocks.log());
  });

  test('failures say which proxy and why, and never show the credentials', async () => {
    const closed = await freePort();
    const cases: Array<[ProxySettings, ProxyError['failure'], RegExp]> = [
      [{ protocol: 'http', host: '127.0.0.1', port: closed }, 'unreachable', new RegExp(`proxy http://127\\.0\\.0\\.1:${closed} is unreachable: connect ECONNREFUSED`)],
      [{ ...http, password: 'wrong-1' }, 'auth', /refused the credentials \(HTTP 40[17]\)/],
      [{ ...http, username: undefined, password: undefined }, 'auth', /asks for credentials/],
      [{ ...socks, password: 'wrong-2' }, 'auth', /refused the credentials/],
    ];
    for (const [settings, failure, message] of cases) {
      const error = await openTunnel(settings, { host: '127.0.0.1', port }, 5_000).then(
        () => assert.fail('the tunnel opened'),
        (caught: unknown) => caught,
      );
      assert.ok(error instanceof ProxyError, String(error));
      assert.equal(error.failure, failure);
      assert.match(error.message, message);
      assert.doesNotMatch(error.message, /secret|wrong/);
    }
    // tinyproxy's ConnectPort list does not hold this port: the proxy, not the target, says no.
    const refused = await openTunnel(http, { host: '127.0.0.1', port: closed }, 5_000).catch((caught: unknown) => caught);
    assert.ok(refused instanceof ProxyError);
    assert.equal(refused.failure, 'refused');
  });
});
