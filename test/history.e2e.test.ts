// History sync: the chats a phone already holds reach zapd's store when the session is linked,
// without being replayed as new `message` events.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startReceiver, type Receiver } from './support/receiver.ts';
import { waitFor } from './support/wait.ts';
import { startSandbox, storeBackends, type Sandbox } from './support/zapd.ts';

const ME = '15550009200';
const ALICE = '15550009201';
const BOB = '15550009202';
const CAROL = '15550009203';

interface StoredMessage {
  id: string;
  body: string | null;
  fromMe: boolean;
  timestamp: number;
  from: string;
  to?: string;
}
interface StoredChat {
  id: string;
  name: string | null;
  unreadCount: number;
  archived: boolean;
  conversationTimestamp: number;
}

for (const backend of storeBackends()) {
  describe(`history sync (${backend})`, () => {
    let sandbox: Sandbox;
    let receiver: Receiver;
    const past = Math.floor(Date.now() / 1000) - 86_400;

    before(async () => {
      sandbox = await startSandbox(backend);
      receiver = await startReceiver();
      const seeded = await sandbox.admin<{ chats: number; messages: number }>('POST', '/history', {
        phone: ME,
        chats: [
          {
            id: ALICE,
            name: 'Alice Archive',
            unreadCount: 1,
            messages: [
              { id: 'HIST0001', text: 'are we still on for friday?', timestamp: past },
              { id: 'HIST0002', text: 'yes, 8pm', fromMe: true, timestamp: past + 60 },
              { id: 'HIST0003', text: 'great, see you', timestamp: past + 120, pushName: 'Alice' },
            ],
          },
          { id: `${BOB}@c.us`, archived: true, messages: [{ id: 'HIST0004', text: 'old news', timestamp: past - 3_600 }] },
          // A long chat, stored in several multi-row inserts.
          { id: CAROL, messages: Array.from({ length: 250 }, (_, index) => ({ id: `LONG${String(index).padStart(4, '0')}`, text: `line ${index}`, timestamp: past - 7_200 + index })) },
        ],
      });
      assert.deepEqual(seeded, { phone: ME, chats: 3, messages: 254 });
      await sandbox.linkSession('main', ME, { webhooks: [{ url: receiver.url, events: ['message', 'message.any', 'engine.event'] }] });
    });
    after(async () => {
      await sandbox.close();
      await receiver.close();
    });

    test("the phone's chats and messages are stored with their names, times, direction and unread counts", async () => {
      const { zapd } = sandbox;
      const chats = await waitFor('the history chats', async () => {
        const listed = (await zapd.api<StoredChat[]>('GET', '/api/main/chats')).body;
        return listed.length >= 3 ? listed : undefined;
      });
      const long = (await zapd.api<StoredMessage[]>('GET', `/api/main/chats/${CAROL}@c.us/messages?limit=300`)).body;
      assert.equal(long.length, 250);
      assert.equal(long[0]?.body, 'line 249');
      const alice = chats.find((chat) => chat.id === `${ALICE}@c.us`);
      assert.deepEqual(alice && { name: alice.name, unreadCount: alice.unreadCount, archived: alice.archived, at: alice.conversationTimestamp }, { name: 'Alice Archive', unreadCount: 1, archived: false, at: past + 120 });
      assert.equal(chats.find((chat) => chat.id === `${BOB}@c.us`)?.archived, true);
      assert.deepEqual(chats.map((chat) => chat.id).slice(0, 2), [`${ALICE}@c.us`, `${BOB}@c.us`], 'most recent chat first');

      const messages = (await zapd.api<StoredMessage[]>('GET', `/api/main/chats/${ALICE}@c.us/messages?limit=10`)).body;
      assert.deepEqual(
        messages.map((message) => ({ id: message.id, body: message.body, fromMe: message.fromMe, timestamp: message.timestamp })),
        [
          { id: `false_${ALICE}@c.us_HIST0003`, body: 'great, see you', fromMe: false, timestamp: past + 120 },
          { id: `true_${ALICE}@c.us_HIST0002`, body: 'yes, 8pm', fromMe: true, timestamp: past + 60 },
          { id: `false_${ALICE}@c.us_HIST0001`, body: 'are we still on for friday?', fromMe: false, timestamp: past },
        ],
      );
      const mine = messages.find((message) => message.fromMe);
      // NOWEB: `from` is the chat for our own messages too; a 1:1 message has no `to`.
      assert.equal(mine?.from, `${ALICE}@c.us`);
      assert.equal(mine?.to, undefined);
    });

    test('the history arrives once as engine.event, never as message events', async () => {
      const [history] = await waitFor('the history engine.event', async () => {
        const found = receiver.events('engine.event').filter((event) => event.payload.event === 'messaging-history.set');
        return found.length > 0 ? found : undefined;
      });
      const data = history?.payload.data as { syncType: string; messages: Array<{ id: string }>; chats: unknown[] };
      assert.equal(data.syncType, 'INITIAL_BOOTSTRAP');
      assert.equal(data.messages.length, 254);
      assert.equal(data.chats.length, 3);
      // A live message after the sync proves the webhook is flowing; none of the history ids came as messages.
      await sandbox.admin('POST', '/accounts', { phone: ALICE, pushName: 'Alice' });
      const { id } = await sandbox.admin<{ id: string }>('POST', `/accounts/${ALICE}/send`, { to: ME, text: 'live now' });
      await waitFor('the live message webhook', async () => receiver.events('message').some((event) => String(event.payload.id).endsWith(id)));
      const messageIds = [...receiver.events('message'), ...receiver.events('message.any')].map((event) => String(event.payload.id));
      assert.deepEqual(messageIds.filter((messageId) => messageId.includes('HIST')), []);
      const chats = (await sandbox.zapd.api<StoredChat[]>('GET', '/api/main/chats')).body;
      assert.equal(chats[0]?.id, `${ALICE}@c.us`);
      assert.equal(chats[0]?.unreadCount, 2, 'the live message adds to the unread count the phone reported');
    });

    test('a restart restores the session without a second history', async () => {
      await sandbox.zapd.stopServer();
      await sandbox.zapd.restartServer();
      await sandbox.waitForStatus('main', 'WORKING');
      const { id } = await sandbox.admin<{ id: string }>('POST', `/accounts/${ALICE}/send`, { to: ME, text: 'after restart' });
      await waitFor('the message after restart', async () =>
        // Not just the newest: timestamps are whole seconds, so 'live now' may share this one's second.
        (await sandbox.zapd.api<StoredMessage[]>('GET', `/api/main/chats/${ALICE}@c.us/messages?limit=5`)).body.some((message) => message.id.endsWith(id)),
      );
      assert.equal(receiver.events('engine.event').filter((event) => event.payload.event === 'messaging-history.set').length, 1);
    });
  });
}
