import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import pino from 'pino';
import { installConsoleGuard, routedConsoleCalls } from './console-guard.ts';
import { redactForLog } from './redact.ts';

test('key fields, bytes and encoded blobs are removed; depth, width and cycles are bounded', () => {
  const privKey = Buffer.alloc(32, 7);
  const record: Record<string, unknown> = {
    registrationId: 583,
    currentRatchet: { ephemeralKeyPair: { privKey, pubKey: Buffer.alloc(33, 5) }, rootKey: Buffer.alloc(32, 9) },
    indexInfo: { baseKey: Buffer.alloc(33, 1), closed: -1, note: privKey, remoteIdentityKey: Buffer.alloc(33, 2) },
    [privKey.toString('base64')]: { chainType: 1 },
    text: `error with ${privKey.toString('hex')} inside`,
    deep: { a: { b: { c: { d: { e: { f: 1 } } } } } },
    list: Array.from({ length: 50 }, (_, index) => index),
  };
  record.self = record;
  const copy = JSON.stringify(redactForLog(record));
  assert.ok(!copy.includes(privKey.toString('base64')));
  assert.ok(!copy.includes(privKey.toString('hex')));
  assert.ok(!copy.includes('privKey') && !copy.includes('rootKey') && !copy.includes('baseKey') && !copy.includes('Ratchet'));
  const parsed = JSON.parse(copy) as Record<string, unknown>;
  assert.equal(parsed.registrationId, 583);
  assert.equal(parsed.currentRatchet, undefined);
  assert.deepEqual(parsed.indexInfo, { closed: -1, note: '[32 bytes]', '[redacted fields]': 2 });
  assert.equal(parsed.self, '[circular]');
  assert.match(String(parsed.text), /^error with \[redacted 64 chars\] inside$/);
  assert.equal((parsed.list as unknown[]).length, 21);
  assert.match(copy, /"\[object\]"/);
});

test('libsignal console calls go to the debug log redacted; everybody else keeps the console', () => {
  const lines: string[] = [];
  const sink = new Writable({ write(chunk: Buffer, _encoding, done) { lines.push(chunk.toString()); done(); } });
  installConsoleGuard(pino({ level: 'debug' }, sink));
  const require = createRequire(import.meta.url);
  const { SessionRecord } = require('libsignal') as { SessionRecord: new () => { closeSession(session: unknown): void } };
  const privKey = Buffer.alloc(32, 0xab);
  const before = routedConsoleCalls();
  new SessionRecord().closeSession({ indexInfo: { closed: -1, baseKey: Buffer.alloc(33, 3) }, currentRatchet: { ephemeralKeyPair: { privKey } } });
  assert.equal(routedConsoleCalls(), before + 1);
  const line = lines.join('');
  assert.match(line, /"library":"libsignal"/);
  assert.match(line, /"msg":"Closing session:"/);
  assert.ok(!line.includes(privKey.toString('hex')) && !line.includes(privKey.toString('base64')) && !line.includes('privKey'));
  console.info('our own console line');
  assert.equal(routedConsoleCalls(), before + 1, 'a call from our code is not routed');
});
