import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { MediaStorage } from './storage.ts';

test('media files are kept, read back, refused outside the folder, and expired by age', async () => {
  const directory = mkdtempSync(join(tmpdir(), 'zapd-media-'));
  try {
    const storage = new MediaStorage(directory);
    const old = await storage.save('main', 'false_1@c.us_OLD', Buffer.from('old'), 'image/jpeg');
    const fresh = await storage.save('main', 'false_1@c.us_NEW', Buffer.from('new'), 'application/pdf', 'report.pdf');
    assert.equal(old, 'false_1@c.us_OLD.jpeg');
    assert.equal(fresh, 'false_1@c.us_NEW.pdf');
    assert.equal((await storage.read('main', fresh))?.toString(), 'new');
    assert.equal(await storage.read('main', '../zapd.sqlite'), undefined);
    assert.equal(await storage.read('..', 'api-key'), undefined);
    const hourAgo = new Date(Date.now() - 3600_000);
    utimesSync(join(storage.root, 'main', old), hourAgo, hourAgo);
    assert.equal(await storage.expire(600), 1);
    assert.equal(await storage.read('main', old), undefined);
    assert.equal((await storage.read('main', fresh))?.toString(), 'new');
    assert.equal(await storage.delete('main', fresh), true);
    assert.equal(await storage.delete('main', fresh), false);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});
