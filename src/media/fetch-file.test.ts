import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { after, before, describe, test } from 'node:test';
import { AppError } from '../errors.ts';
import { fetchFile, type FetchPolicy } from './fetch-file.ts';
import { EMPTY_ALLOWLIST, parseUrlAllowlist } from './url-allowlist.ts';

const guarded: FetchPolicy = { allowPrivate: false, allowlist: EMPTY_ALLOWLIST, totalTimeoutMs: 5_000, maxBytes: 1024 * 1024 };
const open: FetchPolicy = { ...guarded, allowPrivate: true };
const loopbackListed = (list: string): FetchPolicy => ({ ...guarded, allowlist: parseUrlAllowlist(list) });

function failsWith(status: number, messagePart?: string) {
  return (error: unknown) => {
    assert.ok(error instanceof AppError, `an AppError, got ${String(error)}`);
    assert.equal(error.statusCode, status, error.message);
    if (messagePart) assert.ok(error.message.includes(messagePart), error.message);
    return true;
  };
}

describe('fetchFile against real loopback servers', () => {
  let server: Server;
  let port = 0;
  let requests = 0;
  const timers = new Set<NodeJS.Timeout>();

  before(async () => {
    server = createServer((request, response) => {
      requests++;
      const path = request.url ?? '/';
      const trickle = (contentLength?: number) => {
        response.writeHead(200, { 'content-type': 'application/octet-stream', ...(contentLength ? { 'content-length': contentLength } : {}) });
        const timer = setInterval(() => response.write('x'), 100);
        timers.add(timer);
        response.on('close', () => clearInterval(timer));
      };
      if (path === '/hop') return void response.writeHead(302, { location: '/x.png' }).end();
      if (path === '/hop-to-localhost') return void response.writeHead(302, { location: `http://localhost:${port}/x.png` }).end();
      if (path === '/hop-to-metadata') return void response.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
      if (path === '/hop-forever') return void response.writeHead(302, { location: '/hop-forever' }).end();
      if (path === '/hop-bad') return void response.writeHead(302, { location: 'http://[bad' }).end();
      if (path === '/trickle') return trickle();
      if (path === '/trickle-declared') return trickle(1_000);
      if (path === '/silent') return; // never answers: the deadline covers waiting for headers too
      if (path === '/huge-declared') return void response.writeHead(200, { 'content-length': 50 * 1024 * 1024 }).end();
      if (path === '/huge-streamed') {
        response.writeHead(200, { 'content-type': 'application/octet-stream' });
        const chunk = Buffer.alloc(64 * 1024, 1);
        const pump = () => {
          while (!response.destroyed && response.write(chunk));
        };
        response.on('drain', pump);
        return pump();
      }
      if (path === '/missing') return void response.writeHead(404).end();
      if (path.startsWith('/nameless/')) return void response.writeHead(200, { 'content-type': 'text/plain' }).end('hi');
      const disposition = {
        '/bad-extended': `attachment; filename*=UTF-8''%E0%A4%A`,
        '/bad-extended-plain-too': `attachment; filename*=UTF-8''%E0%A4%A; filename="plain.txt"`,
        '/good-extended': `attachment; filename*=UTF-8''%E2%82%AC%20rates.pdf; filename="fallback.pdf"`,
        '/traversal': `attachment; filename="../../etc/passwd"`,
        '/lone-percent': `attachment; filename*=UTF-8''100%`,
      }[path];
      response.writeHead(200, { 'content-type': 'image/png; charset=binary', 'content-disposition': disposition ?? 'attachment; filename="cat.png"' });
      response.end(Buffer.from([1, 2, 3]));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(() => {
    for (const timer of timers) clearInterval(timer);
    server.closeAllConnections();
    server.close();
  });

  const url = (path: string) => `http://127.0.0.1:${port}${path}`;

  describe('the address guard', () => {
    for (const target of ['http://127.0.0.1:PORT/x.png', 'http://localhost:PORT/x.png', 'http://[::1]:PORT/x', 'http://[::ffff:127.0.0.1]:PORT/x', 'http://[::ffff:7f00:1]:PORT/x', 'http://2130706433:PORT/x', 'http://0x7f.1:PORT/x', 'http://169.254.169.254/latest/meta-data/', 'http://192.0.2.1/', 'http://198.51.100.1/', 'http://203.0.113.1/', 'http://198.18.0.1/', 'http://100.64.0.1/', 'http://[64:ff9b::7f00:1]/', 'http://[2002:7f00:1::1]/', 'http://[fd00::1]/']) {
      test(`refuses ${target} by default, before connecting`, async () => {
        const before = requests;
        await assert.rejects(fetchFile(target.replace('PORT', String(port)), guarded), failsWith(400, 'refused'));
        assert.equal(requests, before);
      });
    }

    test("refuses the machine's own interface addresses (as zapd once fetched its own /metrics)", async () => {
      const own = Object.values(networkInterfaces()).flatMap((entries) => entries ?? []).filter((entry) => entry.family === 'IPv4');
      for (const entry of own) {
        // Port 1: if the guard let it through, the connection would be refused, not the URL.
        await assert.rejects(fetchFile(`http://${entry.address}:1/metrics`, guarded), failsWith(400, 'refused'), entry.address);
      }
    });

    test('the allowlist opens the loopback server by network, by address and by host name', async () => {
      for (const list of ['127.0.0.0/8', '127.0.0.1', 'localhost']) {
        const host = list === 'localhost' ? 'localhost' : '127.0.0.1';
        const file = await fetchFile(`http://${host}:${port}/x.png`, loopbackListed(list));
        assert.deepEqual([...file.data], [1, 2, 3], list);
      }
      // …and nothing else: another loopback address, or a name not on the list.
      await assert.rejects(fetchFile(`http://127.0.0.2:${port}/x.png`, loopbackListed('127.0.0.1')), failsWith(400, 'refused'));
      await assert.rejects(fetchFile(`http://localhost:${port}/x.png`, loopbackListed('files.lan')), failsWith(400, 'refused'));
    });

    test('every redirect hop is checked: a listed server cannot bounce zapd to metadata', async () => {
      await assert.rejects(fetchFile(url('/hop-to-metadata'), loopbackListed('127.0.0.1')), failsWith(400, 'refused'));
      // A redirect to a name is checked on the address it resolves to (::1 is filtered, 127.0.0.1 listed).
      const file = await fetchFile(url('/hop-to-localhost'), loopbackListed('127.0.0.1'));
      assert.equal(file.filename, 'cat.png');
    });

    test('non-http schemes, garbage and broken redirects are 400s', async () => {
      for (const target of ['file:///etc/passwd', 'ftp://example.com/x', 'not a url']) {
        await assert.rejects(fetchFile(target, guarded), failsWith(400));
      }
      await assert.rejects(fetchFile(url('/hop-forever'), open), failsWith(400, 'redirected more than'));
      await assert.rejects(fetchFile(url('/hop-bad'), open), failsWith(400, 'invalid URL'));
      await assert.rejects(fetchFile(url('/missing'), open), failsWith(400, 'HTTP 404'));
    });

    test('ZAPD_ALLOW_PRIVATE_MEDIA_URLS still opens everything, following redirects', async () => {
      const file = await fetchFile(url('/x.png'), open);
      assert.deepEqual([...file.data], [1, 2, 3]);
      assert.equal(file.mimetype, 'image/png');
      assert.equal(file.filename, 'cat.png');
      const redirected = await fetchFile(`http://localhost:${port}/hop`, open);
      assert.deepEqual([...redirected.data], [1, 2, 3]);
    });
  });

  describe('deadline and size cap', () => {
    const quick: FetchPolicy = { ...open, totalTimeoutMs: 800 };

    for (const path of ['/trickle', '/trickle-declared', '/silent']) {
      test(`${path}: one deadline for headers and body, not reset by each byte (422)`, async () => {
        const started = performance.now();
        await assert.rejects(fetchFile(url(path), quick), failsWith(422, 'within 0.8 s'));
        const elapsed = performance.now() - started;
        assert.ok(elapsed >= 700 && elapsed < 2_000, `gave up after ${elapsed.toFixed(0)} ms`);
      });
    }

    test('a body over the cap is refused with 413, declared or streamed', async () => {
      const started = performance.now();
      await assert.rejects(fetchFile(url('/huge-declared'), open), failsWith(413, 'larger than 1048576 bytes'));
      await assert.rejects(fetchFile(url('/huge-streamed'), open), failsWith(413, 'larger than 1048576 bytes'));
      assert.ok(performance.now() - started < 3_000);
    });
  });

  describe('file names from hostile servers', () => {
    test('a malformed escape in the URL path falls back to the segment as written', async () => {
      // This threw an uncaught URIError in a response callback, which ended the process.
      assert.equal((await fetchFile(url('/nameless/%E0%A4%A'), open)).filename, '%E0%A4%A');
      assert.equal((await fetchFile(url('/nameless/report%E0%A4%A.pdf'), open)).filename, 'report%E0%A4%A.pdf');
      assert.equal((await fetchFile(url('/nameless/%E2%82%AC%20rates.txt'), open)).filename, '€ rates.txt');
      assert.equal((await fetchFile(url('/nameless/a%2F..%2F..%2Fetc%2Fpasswd'), open)).filename, 'passwd');
      assert.equal((await fetchFile(url('/nameless/'), open)).filename, undefined);
    });

    test('a malformed filename* falls back to filename=, then to the path', async () => {
      assert.equal((await fetchFile(url('/bad-extended'), open)).filename, 'bad-extended');
      assert.equal((await fetchFile(url('/bad-extended-plain-too'), open)).filename, 'plain.txt');
      assert.equal((await fetchFile(url('/good-extended'), open)).filename, '€ rates.pdf');
      assert.equal((await fetchFile(url('/traversal'), open)).filename, 'passwd');
      assert.equal((await fetchFile(url('/lone-percent'), open)).filename, '100%');
    });
  });
});
