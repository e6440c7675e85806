import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { AppError } from '../errors.ts';
import { isPrivateAddress } from './address-guard.ts';
import { fetchFile } from './fetch-file.ts';

describe('media URL guard', () => {
  test('classifies addresses', () => {
    for (const address of ['127.0.0.1', '10.1.2.3', '172.20.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', 'fe80::1', 'fd00::1', '::ffff:127.0.0.1', '::ffff:169.254.169.254']) {
      assert.equal(isPrivateAddress(address), true, address);
    }
    for (const address of ['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111', '172.32.0.1']) {
      assert.equal(isPrivateAddress(address), false, address);
    }
  });

  let server: Server;
  let port: number;
  before(async () => {
    server = createServer((request, response) => {
      if (request.url === '/hop') {
        response.writeHead(302, { location: '/x.png' });
        response.end();
        return;
      }
      response.writeHead(200, { 'content-type': 'image/png', 'content-disposition': 'attachment; filename="cat.png"' });
      response.end(Buffer.from([1, 2, 3]));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  for (const url of ['http://127.0.0.1:PORT/x.png', 'http://localhost:PORT/x.png', 'http://169.254.169.254/latest/meta-data/', 'http://[::1]:PORT/x', 'http://[::ffff:127.0.0.1]:PORT/x']) {
    test(`refuses ${url}`, async () => {
      await assert.rejects(fetchFile(url.replace('PORT', String(port)), { allowPrivate: false }), (error: unknown) => error instanceof AppError && error.statusCode === 400);
    });
  }

  test('refuses non-http schemes and garbage', async () => {
    for (const url of ['file:///etc/passwd', 'ftp://example.com/x', 'not a url']) {
      await assert.rejects(fetchFile(url, { allowPrivate: false }), (error: unknown) => error instanceof AppError && error.statusCode === 400);
    }
  });

  test('fetches from a private address only when allowed, following redirects', async () => {
    const file = await fetchFile(`http://127.0.0.1:${port}/x.png`, { allowPrivate: true });
    assert.deepEqual([...file.data], [1, 2, 3]);
    assert.equal(file.mimetype, 'image/png');
    assert.equal(file.filename, 'cat.png');
    const redirected = await fetchFile(`http://localhost:${port}/hop`, { allowPrivate: true });
    assert.deepEqual([...redirected.data], [1, 2, 3]);
  });
});
