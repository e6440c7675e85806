// Precompiled queries bind each run's values (never the first run's), inside transactions too, on
// each store; and the hot statements built on them keep their rules: acks only go up, a chat's
// unread count grows with incoming messages only, single and batched key writes agree.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { storeBackends } from '../../test/support/zapd.ts';
import type { Message } from '../engine/dto.ts';
import { ContactRepository } from './contacts.ts';
import type { OpenedStore } from './index.ts';
import { MessageRepository } from './messages.ts';
import { precompiled } from './precompiled.ts';
import { withFreshStore } from '../../test/support/store.ts';

const withStore = withFreshStore;

const message = (id: string, fromMe: boolean, ack: number, timestamp: number): Message =>
  ({ id, timestamp, from: fromMe ? 'me@c.us' : '111@c.us', fromMe, to: fromMe ? '111@c.us' : 'me@c.us', body: id, hasMedia: false, ack, ackName: 'SERVER' }) as unknown as Message;

for (const backend of storeBackends()) {
  describe(`precompiled queries (${backend})`, () => {
    test('each run binds its own values, in and out of a transaction', async () => {
      await withStore(backend, async (store) => {
        const named = precompiled<{ session: string; category: string }>((db, arg) =>
          db.selectFrom('auth_state').select('id').where('session', '=', arg('session')).where('category', '=', arg('category')).orderBy('id'),
        );
        await store.authState.write('s1', [
          { category: 'a', id: '1', value: 'x' },
          { category: 'b', id: '2', value: 'y' },
        ]);
        await store.authState.write('s2', [{ category: 'a', id: '3', value: 'z' }]);
        assert.deepEqual((await named(store.db, { session: 's1', category: 'a' })).rows, [{ id: '1' }]);
        assert.deepEqual((await named(store.db, { session: 's1', category: 'b' })).rows, [{ id: '2' }]);
        await store.db.transaction().execute(async (trx) => {
          assert.deepEqual((await named(trx, { session: 's2', category: 'a' })).rows, [{ id: '3' }]);
        });
      });
    });

    test('a query that branches on a value or inlines it is refused when first built', async () => {
      await withStore(backend, async (store) => {
        const unused = precompiled<{ id: string }>((db, arg) => {
          arg('id');
          return db.selectFrom('auth_state').select('id');
        });
        await assert.rejects(Promise.resolve().then(() => unused(store.db, { id: '1' })), /did not bind id/);
      });
    });

    test('messages, chats, acks and contacts keep their rules', async () => {
      await withStore(backend, async (store) => {
        const messages = new MessageRepository(store.db);
        await MessageRepository.save(store.db, 's', message('in1', false, 2, 1_000));
        await MessageRepository.save(store.db, 's', message('in2', false, 2, 2_000));
        await MessageRepository.save(store.db, 's', message('out1', true, 1, 3_000));
        const [chat] = await messages.chats('s', { limit: 10, offset: 0, sortBy: 'id', sortOrder: 'asc' });
        assert.equal(chat?.id, '111@c.us');
        assert.equal(chat?.unreadCount, 0, 'replying reads the chat');
        assert.equal(chat?.lastMessageAt, 3_000);
        await MessageRepository.save(store.db, 's', message('in3', false, 2, 4_000));
        assert.equal((await messages.chats('s', { limit: 10, offset: 0, sortBy: 'id', sortOrder: 'asc' }))[0]?.unreadCount, 1);

        await MessageRepository.ack(store.db, 's', '111@c.us', 'out1', 3);
        await MessageRepository.ack(store.db, 's', '111@c.us', 'out1', 2);
        assert.equal((await messages.get('s', '111@c.us', 'out1'))?.ack, 3, 'a late lower ack never undoes a higher one');
        await MessageRepository.save(store.db, 's', message('out1', true, 1, 3_000));
        assert.equal((await messages.get('s', '111@c.us', 'out1'))?.ack, 3, 'saving again keeps the higher ack');

        await ContactRepository.remember(store.db, 's', '111@c.us', 'Ann');
        await ContactRepository.remember(store.db, 's', '111@c.us', 'Annie');
        assert.equal((await new ContactRepository(store.db).get('s', '111@c.us'))?.pushname, 'Annie');
      });
    });

    test('single and batched key writes and reads agree', async () => {
      await withStore(backend, async (store) => {
        const many = Array.from({ length: 12 }, (_, index) => ({ category: 'pre-key', id: String(index), value: `v${index}` }));
        await store.authState.write('s', many);
        await store.authState.write('s', [{ category: 'pre-key', id: '3', value: 'changed' }, { category: 'pre-key', id: '4', value: null }]);
        assert.deepEqual([...(await store.authState.get('s', 'pre-key', ['3']))], [['3', 'changed']]);
        assert.deepEqual([...(await store.authState.get('s', 'pre-key', ['4']))], []);
        const several = await store.authState.get('s', 'pre-key', ['2', '3', '4', '5']);
        assert.deepEqual([...several].sort(), [['2', 'v2'], ['3', 'changed'], ['5', 'v5']]);
      });
    });
  });
}
