// POST /api/contacts/block and /unblock, in both dialects, with the simulator enforcing the block.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { waitFor } from './support/wait.ts';
import { startSandbox, TEST_API_KEY, type Sandbox } from './support/zapd.ts';

const ME = '15550007000';
const GINA = '15550007001';

describe('contacts: block and unblock', () => {
  let sandbox: Sandbox;
  const ginaSends = async (text: string): Promise<string> => {
    const response = await fetch(`${sandbox.simulator.httpUrl}/admin/accounts/${GINA}/send`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ to: ME, text }),
    });
    return ((await response.json()) as { id: string }).id;
  };
  const stored = async (id: string) => {
    const messages = await sandbox.zapd.api<Array<{ id: string }>>('GET', `/api/main/chats/${GINA}@c.us/messages?limit=100`);
    return messages.body.some((message) => message.id === `false_${GINA}@c.us_${id}`);
  };

  before(async () => {
    sandbox = await startSandbox();
    await sandbox.linkSession('main', ME);
    await fetch(`${sandbox.simulator.httpUrl}/admin/accounts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ phone: GINA, pushName: 'Gina' }) });
  });
  after(async () => {
    await sandbox.close();
  });

  test("Wappfy's block, then WAHA's unblock: the contact's messages stop and come back", async () => {
    const { zapd } = sandbox;
    const before = await ginaSends('before the block');
    await waitFor('the first message', () => stored(before));

    const blocked = await zapd.api('POST', '/api/contacts/block', { sessionId: 'main', jid: `${GINA}@s.whatsapp.net` }, { 'x-api-key': '', apikey: TEST_API_KEY });
    assert.equal(blocked.status, 200, JSON.stringify(blocked.body));
    assert.deepEqual(blocked.body, { success: true, message: 'Contact blocked successfully' });
    const list = await zapd.api<{ blocked: string[] }>('GET', '/api/contacts/blocklist?session=main');
    assert.deepEqual(list.body.blocked, [`${GINA}@c.us`]);

    const during = await ginaSends('while blocked');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    assert.equal(await stored(during), false, 'a blocked contact is not delivered');

    const unblocked = await zapd.api('POST', '/api/contacts/unblock', { session: 'main', contactId: GINA });
    assert.equal(unblocked.status, 200, JSON.stringify(unblocked.body));
    assert.deepEqual(unblocked.body, { success: true, message: 'Contact unblocked successfully' });
    assert.deepEqual((await zapd.api<{ blocked: string[] }>('GET', '/api/contacts/blocklist?session=main')).body.blocked, []);
    const afterwards = await ginaSends('after the unblock');
    await waitFor('messages again', () => stored(afterwards));
    assert.equal(await stored(during), false, 'what was sent during the block stays undelivered, as on WhatsApp');
  });

  test('contact lookups: all, one, exists, about, picture, LID ↔ phone', async () => {
    const { zapd } = sandbox;
    const all = await zapd.api<Array<{ id: string; pushname: string }>>('GET', '/api/contacts/all?session=main');
    assert.deepEqual(all.body.find((contact) => contact.id === `${GINA}@c.us`), { id: `${GINA}@c.us`, name: null, pushname: 'Gina' });
    assert.equal((await zapd.api<{ pushname: string }>('GET', `/api/contacts?session=main&contactId=${GINA}`)).body.pushname, 'Gina');
    assert.deepEqual((await zapd.api('GET', `/api/contacts/check-exists?session=main&phone=${GINA}`)).body, { numberExists: true, chatId: `${GINA}@c.us` });
    assert.deepEqual((await zapd.api('GET', `/api/contacts/about?session=main&contactId=${GINA}@c.us`)).body, { about: 'Hey there! I am using WhatsApp.' });
    assert.deepEqual((await zapd.api('GET', `/api/contacts/profile-picture?session=main&contactId=${GINA}`)).body, { profilePictureURL: null });
    const byPhone = await zapd.api<{ lid: string; pn: string }>('GET', `/api/main/lids/pn/${GINA}`);
    assert.match(byPhone.body.lid, /^\d+@lid$/);
    const byLid = await zapd.api<{ lid: string; pn: string }>('GET', `/api/main/lids/${encodeURIComponent(byPhone.body.lid)}`);
    assert.equal(byLid.body.pn, `${GINA}@c.us`);
  });

  test('bad input, no key, unknown or stopped sessions get the documented errors', async () => {
    const { zapd } = sandbox;
    for (const body of [{ sessionId: 'main' }, { sessionId: 'main', jid: 'not a jid' }, { sessionId: 'main', jid: '120363012345678901@g.us' }, { session: 'main', contactId: '12' }]) {
      const response = await zapd.api<{ statusCode: number; message: string }>('POST', '/api/contacts/unblock', body);
      assert.equal(response.status, 400, JSON.stringify(body));
      assert.equal(response.body.statusCode, 400);
    }
    const noKey = await fetch(`${zapd.url}/api/contacts/unblock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sessionId: 'main', jid: `${GINA}@s.whatsapp.net` }) });
    assert.equal(noKey.status, 401);
    const wrongKey = await fetch(`${zapd.url}/api/contacts/unblock`, { method: 'POST', headers: { 'content-type': 'application/json', apikey: 'nope' }, body: JSON.stringify({ sessionId: 'main', jid: `${GINA}@s.whatsapp.net` }) });
    assert.equal(wrongKey.status, 401);
    const unknown = await zapd.api('POST', '/api/contacts/unblock', { sessionId: 'ghost', jid: `${GINA}@s.whatsapp.net` });
    assert.equal(unknown.status, 404);
    await zapd.api('POST', '/api/sessions', { name: 'idle', start: false });
    const idle = await zapd.api<{ message: string }>('POST', '/api/contacts/unblock', { sessionId: 'idle', jid: `${GINA}@s.whatsapp.net` });
    assert.equal(idle.status, 422);
    assert.match(idle.body.message, /STOPPED/);
  });
});
