import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseProxy, ProxyConfigError, proxyLabel, sessionProxy } from './settings.ts';

test("WAHA's host:port means an HTTP proxy; a scheme picks the kind", () => {
  assert.deepEqual(parseProxy({ server: 'proxy.example.com:3128' }), { protocol: 'http', host: 'proxy.example.com', port: 3128 });
  assert.deepEqual(parseProxy({ server: ' http://10.0.0.5:8080/ ' }), { protocol: 'http', host: '10.0.0.5', port: 8080 });
  assert.deepEqual(parseProxy({ server: 'HTTP://proxy:80' }), { protocol: 'http', host: 'proxy', port: 80 });
  assert.equal(parseProxy({ server: 'proxy:80' }).port, 80);
  assert.equal(parseProxy({ server: 'socks5://127.0.0.1:1080' }).protocol, 'socks5');
  assert.equal(parseProxy({ server: 'socks5h://127.0.0.1:1080' }).protocol, 'socks5h');
  assert.deepEqual(parseProxy({ server: '[::1]:3128' }), { protocol: 'http', host: '::1', port: 3128 });
});

test('credentials come from username/password, else from the URL; labels never carry them', () => {
  const fields = parseProxy({ server: 'socks5://127.0.0.1:1080', username: 'user', password: 'p@ss:word' });
  assert.deepEqual([fields.username, fields.password], ['user', 'p@ss:word']);
  const inUrl = parseProxy({ server: 'http://us%40er:pa%3Ass@proxy:3128' });
  assert.deepEqual([inUrl.username, inUrl.password], ['us@er', 'pa:ss']);
  assert.equal(parseProxy({ server: 'http://a:b@proxy:3128', username: 'c', password: 'd' }).username, 'c');
  assert.equal(proxyLabel(fields), 'socks5://127.0.0.1:1080');
  assert.equal(proxyLabel(parseProxy({ server: '[::1]:3128' })), 'http://[::1]:3128');
  assert.equal(parseProxy({ server: 'proxy:3128', username: '', password: '' }).username, undefined);
});

test('what zapd cannot use is refused, with a message naming the field', () => {
  for (const server of ['ftp://proxy:21', 'https://proxy:443', 'socks4://proxy:1080', 'proxy', 'http://proxy', 'http://proxy:3128/path', 'http://proxy:3128?x=1', 'http://[nope', '://', 'proxy:0', 'proxy:65536']) {
    assert.throws(() => parseProxy({ server }), (error: unknown) => error instanceof ProxyConfigError && /proxy\.server/.test(error.message), server);
  }
  assert.throws(() => parseProxy({ server: 'proxy:3128', password: 'only' }), /proxy\.username/);
});

test("a session's own proxy wins; without one (or with null) the global default applies", () => {
  const global = parseProxy({ server: 'global:3128' });
  assert.equal(sessionProxy({ proxy: { server: 'own:8080' } }, global)?.host, 'own');
  assert.equal(sessionProxy({}, global), global);
  assert.equal(sessionProxy({ proxy: null }, global), global);
  assert.equal(sessionProxy({ proxy: { server: '  ' } }, undefined), undefined);
});

test('error messages mask credentials written into the server', () => {
  for (const server of ['ftp://user:hunter2@proxy:21', 'user:hunter2@proxy', 'http://user:hunter2@proxy:3128/path']) {
    assert.throws(() => parseProxy({ server }), (error: unknown) => error instanceof Error && !error.message.includes('hunter2') && error.message.includes('***@'), server);
  }
});
