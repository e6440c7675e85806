import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { firstLink, generateLinkPreview, summarizePage } from './link-preview.ts';

test('firstLink finds http(s) and www links and drops trailing punctuation', () => {
  assert.equal(firstLink('see https://example.com/a?b=1, then'), 'https://example.com/a?b=1');
  assert.equal(firstLink('(www.example.org/path).'), 'www.example.org/path');
  assert.equal(firstLink('no links here, example dot com'), undefined);
});

test('summarizePage prefers Open Graph, falls back to <title> and meta description, decodes entities', () => {
  assert.deepEqual(summarizePage('<title>T &lt;1&gt;</title><meta name="description" content="D &#8212; x">'), { title: 'T <1>', description: 'D — x' });
  assert.deepEqual(
    summarizePage(`<meta content='OG' property='og:title'/><META PROPERTY="og:image" CONTENT="https://cdn/x.png"><title>ignored</title>`),
    { title: 'OG', imageUrl: 'https://cdn/x.png' },
  );
  assert.deepEqual(summarizePage('<p>nothing</p>'), {});
});

test('generateLinkPreview refuses loopback pages unless private addresses are allowed', async () => {
  let requests = 0;
  const server = createServer((_request, response) => {
    requests++;
    response.writeHead(200, { 'content-type': 'text/html' }).end('<title>Internal admin</title>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  try {
    assert.equal(await generateLinkPreview(`look ${url}`, { allowPrivate: false }), undefined);
    assert.equal(requests, 0, 'the guard refused before connecting');
    const preview = await generateLinkPreview(`look ${url}`, { allowPrivate: true });
    assert.equal(preview?.title, 'Internal admin');
    assert.equal(preview?.matchedText, url);
  } finally {
    server.close();
  }
});
