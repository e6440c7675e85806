import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeParam } from './decode-param.ts';

test('decodeParam decodes a second layer of escapes and keeps malformed ones as written', () => {
  assert.equal(decodeParam('120363000000000001%40g.us'), '120363000000000001@g.us');
  assert.equal(decodeParam('plain@newsletter'), 'plain@newsletter');
  for (const malformed of ['%E0%A4%A', 'abc%', '%zz', '%C0%80', '%ED%A0%80']) {
    assert.equal(decodeParam(malformed), malformed);
  }
});
