import assert from 'node:assert/strict';
import { test } from 'node:test';
import './shared-async-storage.ts';
import { AsyncLocalStorage } from 'node:async_hooks';

test('views keep their own values through awaits, nest, exit and stay apart', async () => {
  const transactions = new AsyncLocalStorage<string>();
  const requests = new AsyncLocalStorage<number>();
  assert.equal(transactions.getStore(), undefined);
  await transactions.run('outer', async () => {
    await requests.run(7, async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      assert.equal(transactions.getStore(), 'outer');
      assert.equal(requests.getStore(), 7);
      await transactions.run('inner', async () => {
        await Promise.resolve();
        assert.equal(transactions.getStore(), 'inner');
        assert.equal(requests.getStore(), 7);
      });
      assert.equal(transactions.getStore(), 'outer');
      transactions.exit(() => assert.equal(transactions.getStore(), undefined));
      assert.equal(transactions.getStore(), 'outer');
    });
    assert.equal(requests.getStore(), undefined);
  });
  assert.equal(transactions.getStore(), undefined);
});

test('a promise chain started in a run keeps that run after it returned, as Baileys relies on', async () => {
  const storage = new AsyncLocalStorage<string>();
  let later: Promise<string | undefined> = Promise.resolve(undefined);
  storage.run('tx', () => {
    later = new Promise((resolve) => setTimeout(resolve, 5)).then(() => storage.getStore());
  });
  assert.equal(storage.getStore(), undefined);
  assert.equal(await later, 'tx');
});

test('every storage is a view over one, so creating many adds nothing per promise', () => {
  const first = new AsyncLocalStorage<number>();
  const second = new AsyncLocalStorage<number>();
  assert.equal(first.constructor, second.constructor);
  assert.equal((AsyncLocalStorage as unknown as Record<symbol, boolean>)[Symbol.for('zapd.sharedAsyncLocalStorage')], true);
});
