// WAHA's config.ignore: a session that ignores groups raises no event for them and stores nothing of
// them — not a live group message, not a group in the phone's history — while direct chats flow.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startReceiver, type Receiver } from './support/receiver.ts';
import { waitFor } from './support/wait.ts';
import { startSandbox, type Sandbox } from './support/zapd.ts';

const ME = '15550003030';
const RITA = '15550003031';
const HISTORY_GROUP = '120363000000003030@g.us';

describe('config.ignore.groups', () => {
  let sandbox: Sandbox;
  let receiver: Receiver;
  before(async () => {
    sandbox = await startSandbox();
    receiver = await startReceiver();
    await sandbox.admin('POST', '/accounts', { phone: RITA, pushName: 'Rita' });
    await sandbox.admin('POST', '/history', {
      phone: ME,
      chats: [
        { id: HISTORY_GROUP, name: 'Old group', messages: [{ text: 'old group talk', participant: `${RITA}@s.whatsapp.net` }] },
        { id: `${RITA}@s.whatsapp.net`, name: 'Rita', messages: [{ text: 'old direct talk' }] },
      ],
    });
    await sandbox.linkSession('main', ME, { ignore: { groups: true }, webhooks: [{ url: receiver.url, events: ['*'] }] });
  });
  after(async () => {
    await sandbox.close();
    await receiver.close();
  });

  test('group messages and group events are neither announced nor stored; direct ones are', async () => {
    const { id: groupId } = await sandbox.admin<{ id: string }>('POST', `/accounts/${RITA}/groups`, { subject: 'Quiet please', participants: [ME] });
    await sandbox.admin('POST', `/accounts/${RITA}/send`, { to: groupId, text: 'in the group' });
    await sandbox.admin('POST', `/accounts/${RITA}/send`, { to: ME, text: 'just to you' });
    await waitFor('the direct message webhook', () => receiver.events('message').some((event) => event.payload.body === 'just to you'), 20_000);
    // The group message was sent first, so it had every chance to arrive before the direct one.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const aboutGroups = receiver.requests.map((request) => JSON.stringify(request.body)).filter((text) => text.includes('@g.us'));
    assert.deepEqual(aboutGroups, [], 'no event mentions a group');
    const groupMessages = await sandbox.zapd.api<unknown[]>('GET', `/api/main/chats/${groupId}/messages?limit=10`);
    assert.deepEqual(groupMessages.body, []);
    const chats = await sandbox.zapd.api<Array<{ id: string }>>('GET', '/api/main/chats');
    assert.deepEqual(chats.body.map((chat) => chat.id).filter((id) => id.endsWith('@g.us')), [], 'no group chat stored, from history or live');
    assert.ok(chats.body.some((chat) => chat.id === `${RITA}@c.us`), 'the direct chat is stored');
    const historyDirect = await sandbox.zapd.api<Array<{ body: string }>>('GET', `/api/main/chats/${RITA}@c.us/messages?limit=10`);
    assert.ok(historyDirect.body.some((message) => message.body === 'old direct talk'), 'history of direct chats is kept');
    const historyGroup = await sandbox.zapd.api<unknown[]>('GET', `/api/main/chats/${HISTORY_GROUP}/messages?limit=10`);
    assert.deepEqual(historyGroup.body, []);
  });
});
