// WhatsApp strings may hold a NUL character, which PostgreSQL's text type refuses. A message from a
// sender whose push name holds one, or whose body does, must still be recorded (exactly, as far as
// the API reads it back) and delivered; it must never be acknowledged to WhatsApp and then dropped.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startReceiver, type Receiver } from './support/receiver.ts';
import { waitFor } from './support/wait.ts';
import { startSandbox, storeBackends, type Sandbox } from './support/zapd.ts';

const ME = '15550007000';
const NUL_NAMED = '15550007001';
const PUSH_NAME = 'Nu\u0000ll \u0000';

interface StoredMessage {
  id: string;
  body: string | null;
  fromMe: boolean;
  _data?: { pushName?: string };
}

for (const backend of storeBackends()) {
  describe(`text with NUL characters (${backend})`, () => {
    let sandbox: Sandbox;
    let receiver: Receiver;

    before(async () => {
      receiver = await startReceiver();
      sandbox = await startSandbox(backend, { WHATSAPP_HOOK_URL: receiver.url, WHATSAPP_HOOK_EVENTS: 'message' });
      await sandbox.linkSession('main', ME);
      await sandbox.admin('POST', '/accounts', { phone: NUL_NAMED, pushName: PUSH_NAME });
    });
    after(async () => {
      await sandbox.close();
      await receiver.close();
    });

    test('every message from a NUL-named sender is stored, readable and delivered', async () => {
      const texts = ['first', 'with a \u0000 inside', '\u0000', 'last'];
      const sent: string[] = [];
      for (const text of texts) sent.push((await sandbox.admin<{ id: string }>('POST', `/accounts/${NUL_NAMED}/send`, { to: ME, text })).id);

      const chatId = `${NUL_NAMED}@c.us`;
      const history = await waitFor(
        'all messages in the history',
        async () => {
          const page = await sandbox.zapd.api<StoredMessage[]>('GET', `/api/main/chats/${chatId}/messages?limit=100`);
          return page.status === 200 && sent.every((id) => page.body.some((message) => message.id.endsWith(`_${id}`))) && page.body;
        },
        30_000,
      );
      for (const [index, id] of sent.entries()) {
        const stored = history.find((message) => message.id.endsWith(`_${id}`));
        assert.equal(stored?.body, texts[index], `body of message ${index}`);
        assert.equal(stored?._data?.pushName, PUSH_NAME);
      }

      const hooks = await waitFor('a webhook per message', () => {
        const events = receiver.events('message');
        return sent.every((id) => events.some((event) => String(event.payload.id).endsWith(`_${id}`))) && events;
      });
      for (const [index, id] of sent.entries()) {
        const event = hooks.find((candidate) => String(candidate.payload.id).endsWith(`_${id}`));
        assert.equal(event?.payload.body, texts[index]);
      }

      const contact = await sandbox.zapd.api<{ id: string; pushname: string | null }>('GET', `/api/contacts?session=main&contactId=${chatId}`);
      assert.equal(contact.status, 200, JSON.stringify(contact.body));
      assert.equal(contact.body.pushname, PUSH_NAME);
      const one = await sandbox.zapd.api<StoredMessage>('GET', `/api/main/chats/${chatId}/messages/${encodeURIComponent(history[0]?.id ?? '')}`);
      assert.equal(one.status, 200, JSON.stringify(one.body));
    });
  });
}
