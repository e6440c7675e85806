import assert from 'node:assert/strict';
import { test } from 'node:test';
import { filenameFrom, percentDecode, safeFilename } from './filename.ts';

const at = (path: string) => new URL(`http://files.example${path}`);

test('percentDecode never throws: bad UTF-8 gives undefined, stray percents stay', () => {
  assert.equal(percentDecode('%E2%82%AC'), '€');
  assert.equal(percentDecode('%E0%A4%A'), undefined);
  assert.equal(percentDecode('%C0%80'), undefined); // overlong NUL
  assert.equal(percentDecode('%ED%A0%80'), undefined); // lone surrogate
  assert.equal(percentDecode('50%'), '50%');
  assert.equal(percentDecode('%zz%4'), '%zz%4');
  assert.equal(percentDecode('caf%E9', 'iso-8859-1'), 'café');
});

test('safeFilename keeps a bare printable name', () => {
  assert.equal(safeFilename('../../etc/passwd'), 'passwd');
  assert.equal(safeFilename('C:\\Windows\\win.ini'), 'win.ini');
  assert.equal(safeFilename('a\u0000b\r\nc.txt'), 'abc.txt');
  assert.equal(safeFilename('..'), undefined);
  assert.equal(safeFilename('dir/'), undefined);
  assert.equal(safeFilename('x'.repeat(1000))?.length, 255);
});

test('filenameFrom prefers filename*, then filename, then the URL, skipping what does not decode', () => {
  assert.equal(filenameFrom(`attachment; filename*=UTF-8''%E0%A4%A`, at('/dl/%E0%A4%A')), '%E0%A4%A');
  assert.equal(filenameFrom(`attachment; filename*=UTF-8''%E0%A4%A; filename="plain.txt"`, at('/x')), 'plain.txt');
  assert.equal(filenameFrom(`attachment; filename="quoted \\"name\\".txt"`, at('/x')), 'quoted "name".txt');
  assert.equal(filenameFrom(`attachment; filename=token.bin`, at('/x')), 'token.bin');
  assert.equal(filenameFrom(`attachment; filename*=iso-8859-1'en'caf%E9.txt`, at('/x')), 'café.txt');
  assert.equal(filenameFrom(`attachment; filename*=shift_jis''%82%A0`, at('/fallback.bin')), 'fallback.bin');
  assert.equal(filenameFrom(`attachment; filename*=no-quotes`, at('/fallback.bin')), 'fallback.bin');
  assert.equal(filenameFrom(undefined, at('/')), undefined);
  assert.equal(filenameFrom(`inline; ${'filename*='.repeat(5000)}`, at('/slow.bin')), 'slow.bin');
});
