// Mentions on media captions and WAHA's mentions: ["all"]; sendSeen's participant for group messages
// and sendSeen with a chatId alone. Each is checked on the virtual contacts' side: what their phones
// highlight, and which read receipts reach them.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { waitFor } from './support/wait.ts';
import { startSandbox, type Sandbox } from './support/zapd.ts';

const ME = '15550002020';
const SAM = '15550002021';
const TESS = '15550002022';
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200', 'hex').toString('base64');

interface Seen {
  id: string;
  text: string | null;
  type: string;
  mentions: string[];
  ack: number | null;
}

describe('mentions and sendSeen', () => {
  let sandbox: Sandbox;
  let groupId = '';
  before(async () => {
    sandbox = await startSandbox();
    for (const phone of [SAM, TESS]) await sandbox.admin('POST', '/accounts', { phone, pushName: phone === SAM ? 'Sam' : 'Tess' });
    await sandbox.linkSession('main', ME);
    const created = await sandbox.zapd.api<{ id: string }>('POST', '/api/main/groups', { name: 'Mentions', participants: [{ id: `${SAM}@c.us` }, { id: `${TESS}@c.us` }] });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    groupId = created.body.id;
    await waitFor('tess to be in the group', async () => (await sandbox.admin<Array<{ id: string }>>('GET', `/accounts/${TESS}/groups`)).some((group) => group.id === groupId));
  });
  after(async () => {
    await sandbox.close();
  });

  const received = (phone: string, caption: string) =>
    waitFor(`${phone} to get "${caption}"`, async () => (await sandbox.admin<Seen[]>('GET', `/accounts/${phone}/messages`)).find((message) => message.text === caption));

  test('an image and a video caption carry their mentions', async () => {
    const image = await sandbox.zapd.api('POST', '/api/sendImage', { session: 'main', chatId: groupId, caption: 'look @15550002021', file: { mimetype: 'image/png', data: PNG }, mentions: [`${SAM}@c.us`] });
    assert.equal(image.status, 201, JSON.stringify(image.body));
    assert.deepEqual((await received(TESS, 'look @15550002021')).mentions, [`${SAM}@s.whatsapp.net`]);
    const file = await sandbox.zapd.api('POST', '/api/sendFile', { session: 'main', chatId: groupId, caption: 'doc for @15550002022', file: { mimetype: 'application/pdf', filename: 'a.pdf', data: Buffer.from('%PDF-1.4').toString('base64') }, mentions: [TESS] });
    assert.equal(file.status, 201, JSON.stringify(file.body));
    assert.deepEqual((await received(SAM, 'doc for @15550002022')).mentions, [`${TESS}@s.whatsapp.net`]);
  });

  test('mentions: ["all"] mentions every member of the group, and only works in groups', async () => {
    const sent = await sandbox.zapd.api('POST', '/api/sendText', { session: 'main', chatId: groupId, text: 'everyone, look', mentions: ['all'] });
    assert.equal(sent.status, 201, JSON.stringify(sent.body));
    const seen = await received(SAM, 'everyone, look');
    assert.deepEqual([...seen.mentions].sort(), [`${ME}@s.whatsapp.net`, `${SAM}@s.whatsapp.net`, `${TESS}@s.whatsapp.net`].sort());
    const direct = await sandbox.zapd.api<{ message: string }>('POST', '/api/sendText', { session: 'main', chatId: SAM, text: 'just you', mentions: ['all'] });
    assert.equal(direct.status, 400);
    assert.match(direct.body.message, /groups only/);
  });

  test('sendSeen takes the author of a group message from participant, and a chatId alone reads the chat', async () => {
    const { id: inGroup } = await sandbox.admin<{ id: string }>('POST', `/accounts/${TESS}/send`, { to: groupId, text: 'read me, group' });
    await waitFor('the group message in zapd', async () => (await sandbox.zapd.api<Array<{ id: string }>>('GET', `/api/main/chats/${groupId}/messages?limit=20`)).body.some((message) => message.id.includes(inGroup)));
    // The bare WhatsApp id: without participant, a group receipt could not say whose message it is.
    const seenInGroup = await sandbox.zapd.api('POST', '/api/sendSeen', { session: 'main', chatId: groupId, messageIds: [inGroup], participant: `${TESS}@c.us` });
    assert.equal(seenInGroup.status, 201, JSON.stringify(seenInGroup.body));
    await waitFor('tess to see her group message read', async () => (await sandbox.admin<Seen[]>('GET', `/accounts/${TESS}/messages?sent=true`)).find((message) => message.id === inGroup)?.ack === 3);

    const first = await sandbox.admin<{ id: string }>('POST', `/accounts/${SAM}/send`, { to: ME, text: 'one' });
    const second = await sandbox.admin<{ id: string }>('POST', `/accounts/${SAM}/send`, { to: ME, text: 'two' });
    await waitFor('both in zapd', async () => (await sandbox.zapd.api<Array<{ id: string }>>('GET', `/api/main/chats/${SAM}@c.us/messages?limit=20`)).body.filter((message) => message.id.includes(first.id) || message.id.includes(second.id)).length === 2);
    const seenChat = await sandbox.zapd.api('POST', '/api/sendSeen', { session: 'main', chatId: `${SAM}@c.us` });
    assert.equal(seenChat.status, 201, JSON.stringify(seenChat.body));
    await waitFor('sam to see both read', async () => {
      const sent = await sandbox.admin<Seen[]>('GET', `/accounts/${SAM}/messages?sent=true`);
      return [first.id, second.id].every((id) => sent.find((message) => message.id === id)?.ack === 3);
    });
  });
});
