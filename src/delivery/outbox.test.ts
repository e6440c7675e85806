// The outbox's ordering promise, on each store: only a lane's oldest pending row is handed out,
// leased rows are not handed out twice, and a row waiting for its retry holds its lane back.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { describe, test } from 'node:test';
import { openStore } from '../store/index.ts';
import { Outbox } from './outbox.ts';
import type { Receiver } from './receivers.ts';
import { freshPostgresUrl, storeBackends } from '../../test/support/zapd.ts';

const receiver: Receiver = { url: 'http://127.0.0.1:9/hook', events: ['message'], hmacKey: null, retries: { policy: 'constant', delaySeconds: 1, attempts: 3 }, customHeaders: [] };

async function withStore(backend: 'sqlite' | 'postgres', run: (outbox: Outbox, enqueue: (lane: string, count: number) => Promise<void>) => Promise<void>) {
  const dataDir = mkdtempSync(join(tmpdir(), 'zapd-outbox-'));
  const database = backend === 'postgres' ? await freshPostgresUrl() : undefined;
  const store = await openStore({ dataDir, logger: pino({ level: 'silent' }), ...(database ? { databaseUrl: database.url } : {}) });
  let next = 0;
  try {
    await run(new Outbox(store.db, store.kind), async (lane, count) => {
      for (let index = 0; index < count; index++) await Outbox.enqueue(store.db, [{ eventId: `evt_${next++}`, session: 's', lane, receiver, body: `${lane}${index}` }]);
    });
  } finally {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
    await database?.drop();
  }
}

for (const backend of storeBackends()) {
  describe(`outbox (${backend})`, () => {
    test('hands out lane heads only, once, in order', async () => {
      await withStore(backend, async (outbox, enqueue) => {
        await enqueue('a', 3);
        await enqueue('b', 2);
        const first = await outbox.claim('w1', 10, 60_000);
        assert.deepEqual(first.map((row) => row.body), ['a0', 'b0']);
        assert.deepEqual(await outbox.claim('w2', 10, 60_000), [], 'leased heads hold their lanes');
        await outbox.delivered(first[0]?.seq ?? -1);
        assert.deepEqual((await outbox.claim('w1', 10, 60_000)).map((row) => row.body), ['a1']);
      });
    });

    test("released leases go back to the lane at once, and only the worker's own", async () => {
      await withStore(backend, async (outbox, enqueue) => {
        await enqueue('a', 2);
        const [head] = await outbox.claim('w1', 10, 60_000);
        await outbox.release('w2', [head?.seq ?? -1]);
        assert.deepEqual(await outbox.claim('w2', 10, 60_000), [], "another worker cannot give back w1's lease");
        await outbox.release('w1', [head?.seq ?? -1]);
        assert.deepEqual((await outbox.claim('w2', 10, 60_000)).map((row) => row.body), ['a0']);
      });
    });

    test('rows delivered in the same turn are removed together, and their lanes move on', async () => {
      await withStore(backend, async (outbox, enqueue) => {
        await enqueue('a', 2);
        await enqueue('b', 2);
        const heads = await outbox.claim('w1', 10, 60_000);
        assert.deepEqual(heads.map((row) => row.body), ['a0', 'b0']);
        await Promise.all(heads.map((row) => outbox.delivered(row.seq)));
        assert.deepEqual((await outbox.claim('w1', 10, 60_000)).map((row) => row.body), ['a1', 'b1']);
        assert.equal(await outbox.pendingCount(), 2);
      });
    });

    test("a receiver holding its share of the slots is skipped; others' lanes are handed out", async () => {
      await withStore(backend, async (outbox, enqueue) => {
        await enqueue('http://slow.example/hook|s|1@c.us', 1);
        await enqueue('http://slow.example/hook|s|2@c.us', 1);
        await enqueue('http://fast.example/hook|s|1@c.us', 1);
        const claimed = await outbox.claim('w1', 10, 60_000, ['http://slow.example/hook']);
        assert.deepEqual(claimed.map((row) => row.lane), ['http://fast.example/hook|s|1@c.us']);
      });
    });

    test('claiming named lanes hands out their due heads only, and never a head already out', async () => {
      await withStore(backend, async (outbox, enqueue) => {
        await enqueue('a', 2);
        await enqueue('b', 2);
        await enqueue('c', 1);
        const named = await outbox.claimLanes('w1', ['a', 'b'], 60_000);
        assert.deepEqual(named.map((row) => row.body), ['a0', 'b0'], 'c was not named');
        assert.deepEqual(await outbox.claimLanes('w2', ['a', 'b'], 60_000), [], 'leased heads hold their lanes');
        await outbox.failed(named[0]?.seq ?? -1, 1, Date.now() + 60_000, 'HTTP 500');
        await outbox.delivered(named[1]?.seq ?? -1);
        assert.deepEqual((await outbox.claimLanes('w1', ['a', 'b', 'nowhere'], 60_000)).map((row) => row.body), ['b1'], 'a waits for its retry');
      });
    });

    test('a head waiting for its retry holds its lane; other lanes go on', async () => {
      await withStore(backend, async (outbox, enqueue) => {
        await enqueue('a', 2);
        await enqueue('b', 1);
        const [a0, b0] = await outbox.claim('w1', 10, 60_000);
        await outbox.failed(a0?.seq ?? -1, 1, Date.now() + 60_000, 'HTTP 500');
        await outbox.delivered(b0?.seq ?? -1);
        await enqueue('b', 1);
        assert.deepEqual((await outbox.claim('w1', 10, 60_000)).map((row) => row.body), ['b0']);
      });
    });
  });
}
