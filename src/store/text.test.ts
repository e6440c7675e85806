// WhatsApp strings holding NUL (push names, chat names, message ids and bodies) are stored on both
// stores and read back exactly; PostgreSQL's text type refuses NUL, so its plain columns escape it.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { storeBackends } from '../../test/support/zapd.ts';
import { ackName, type Message } from '../engine/dto.ts';
import { ContactRepository } from './contacts.ts';
import type { OpenedStore } from './index.ts';
import { MessageRepository } from './messages.ts';
import { decodeNul, encodeNul } from './text.ts';
import { withFreshStore } from '../../test/support/store.ts';

test('the NUL escape is reversible for every string and leaves plain text alone', () => {
  const samples = ['', 'plain', '\u0000', 'a\u0000b', '\uffff', '\uffff0', '\uffff1', '\u0000\uffff1\uffff0\u0000', 'emoji 😀\u0000', '\ud800 lone surrogate', 'x\uffff'];
  for (const sample of samples) {
    const encoded = encodeNul(sample);
    assert.ok(!encoded.includes('\u0000'), JSON.stringify(sample));
    assert.equal(decodeNul(encoded), sample, JSON.stringify(sample));
  }
  assert.equal(encodeNul('nothing to escape'), 'nothing to escape');
  assert.notEqual(encodeNul('\uffff0'), encodeNul('\u0000'));
});

const CHAT = '1555000\u00001234@c.us';

function message(id: string, body: string): Message {
  return {
    id: `false_${CHAT}_${id}`,
    timestamp: 1_700_000_000,
    from: CHAT,
    fromMe: false,
    source: 'app',
    body,
    hasMedia: false,
    media: null,
    ack: 1,
    ackName: ackName(1),
    location: null,
    vCards: [],
    replyTo: null,
    _data: { pushName: 'Nu\u0000ll' },
  };
}

const withStore = withFreshStore;

for (const backend of storeBackends()) {
  describe(`NUL in stored WhatsApp strings (${backend})`, () => {
    test('messages, chats and contacts round-trip', () =>
      withStore(backend, async (store) => {
        const messages = new MessageRepository(store.db);
        const weird = message('ID\u0000\uffff0', 'body \u0000 with NUL');
        await store.db.transaction().execute(async (trx) => {
          await MessageRepository.save(trx, 's', weird);
          await MessageRepository.ack(trx, 's', CHAT, weird.id, 3);
          await ContactRepository.remember(trx, 's', CHAT, 'Nu\u0000ll \uffff');
          await MessageRepository.saveHistory(trx, 's', {
            syncType: 'INITIAL_BOOTSTRAP',
            progress: null,
            isLatest: null,
            chats: [{ id: 'gr\u0000oup@g.us', name: 'Chat \u0000 name', unreadCount: 2, conversationTimestamp: 1, archived: false, pinned: false }],
            contacts: [],
            messages: [{ ...message('HIST\u0000', 'history \u0000'), from: 'gr\u0000oup@g.us', id: 'false_gr\u0000oup@g.us_HIST\u0000' }],
          });
        });
        const stored = await messages.get('s', CHAT, weird.id);
        assert.equal(stored?.body, weird.body);
        assert.equal(stored?.id, weird.id);
        assert.equal(stored?.ack, 3, 'the ack found the row by its NUL id');
        assert.deepEqual(JSON.parse(await messages.listJson('s', CHAT, { limit: 10, offset: 0 })).map((row: Message) => row.body), [weird.body]);
        assert.equal((await messages.list('s', 'gr\u0000oup@g.us', { limit: 10, offset: 0 }))[0]?.body, 'history \u0000');

        const chats = await messages.chats('s', { limit: 10, offset: 0, sortBy: 'id', sortOrder: 'asc' });
        assert.deepEqual(chats.map((chat) => [chat.id, chat.name]), [[CHAT, null], ['gr\u0000oup@g.us', 'Chat \u0000 name']]);
        await messages.markChatRead('s', CHAT);
        assert.equal((await messages.chats('s', { limit: 10, offset: 0, sortBy: 'id', sortOrder: 'asc' })).find((chat) => chat.id === CHAT)?.unreadCount, 0);

        const contacts = new ContactRepository(store.db);
        assert.deepEqual(await contacts.get('s', CHAT), { id: CHAT, name: null, pushname: 'Nu\u0000ll \uffff' });
        assert.deepEqual(await contacts.list('s', 10, 0), [{ id: CHAT, name: null, pushname: 'Nu\u0000ll \uffff' }]);

        await messages.clearChat('s', CHAT);
        assert.equal(await messages.get('s', CHAT, weird.id), undefined);
      }));
  });
}
