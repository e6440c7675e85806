// The Groups API through zapd, with virtual contacts as the other members.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { waitFor } from './support/wait.ts';
import WebSocket from 'ws';
import { startSandbox, TEST_API_KEY, type Sandbox } from './support/zapd.ts';

const ME = '15550009000';
const HANK = '15550009001';
const IRIS = '15550009002';

interface GroupBody {
  id: string;
  subject: string;
  announce: boolean;
  participants: Array<{ id: string; admin: string | null }>;
}

describe('groups end to end', () => {
  let sandbox: Sandbox;
  let groupId = '';
  let socket: WebSocket;
  const frames: Array<{ event: string; payload: Record<string, unknown> }> = [];
  const admin = <T>(method: string, path: string, body?: unknown) => sandbox.admin<T>(method, path, body);

  before(async () => {
    sandbox = await startSandbox();
    await sandbox.linkSession('main', ME);
    await admin('POST', '/accounts', { phone: HANK, pushName: 'Hank' });
    await admin('POST', '/accounts', { phone: IRIS, pushName: 'Iris' });
    socket = new WebSocket(`${sandbox.zapd.url.replace('http', 'ws')}/ws?session=main&events=*&x-api-key=${TEST_API_KEY}`);
    socket.on('message', (data) => frames.push(JSON.parse(String(data)) as (typeof frames)[number]));
    await new Promise((resolve) => socket.once('open', resolve));
  });
  after(async () => {
    socket.close();
    await sandbox.close();
  });

  test('create, list, count and get', async () => {
    const { zapd } = sandbox;
    const created = await zapd.api<GroupBody>('POST', '/api/main/groups', { name: 'Launch crew', participants: [{ id: `${HANK}@c.us` }, { id: `${IRIS}@s.whatsapp.net` }] });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    groupId = created.body.id;
    assert.match(groupId, /@g\.us$/);
    assert.deepEqual(created.body.participants.map((participant) => participant.id).sort(), [`${ME}@c.us`, `${HANK}@c.us`, `${IRIS}@c.us`].sort());
    assert.equal((await zapd.api<GroupBody[]>('GET', '/api/main/groups')).body.length, 1);
    assert.deepEqual((await zapd.api('GET', '/api/main/groups/count')).body, { count: 1 });
    assert.equal((await zapd.api<GroupBody>('GET', `/api/main/groups/${groupId}`)).body.subject, 'Launch crew');
    await waitFor('hank to see the group', async () => (await admin<GroupBody[]>('GET', `/accounts/${HANK}/groups`)).some((group) => group.id === groupId));
    await waitFor('group.join for the new group', () => frames.some((frame) => frame.event === 'group.join' && frame.payload.id === groupId));
  });

  test('messages go both ways in the group', async () => {
    const { zapd } = sandbox;
    const sent = await zapd.api<{ id: string }>('POST', '/api/sendText', { session: 'main', chatId: groupId, text: 'hello crew' });
    assert.equal(sent.status, 201, JSON.stringify(sent.body));
    await waitFor('hank receives it', async () => (await admin<Array<{ id: string; text: string; chat: string }>>('GET', `/accounts/${HANK}/messages`)).some((message) => message.text === 'hello crew' && message.chat === groupId));
    const { id } = await admin<{ id: string }>('POST', `/accounts/${HANK}/send`, { to: groupId, text: 'hi boss' });
    const stored = await waitFor('the group message in the store', async () =>
      (await zapd.api<Array<{ id: string; body: string; participant: string; from: string; to: string }>>('GET', `/api/main/chats/${groupId}/messages`)).body.find((message) => message.id.includes(id)),
    );
    assert.equal(stored.body, 'hi boss');
    // NOWEB: a group message's id names its author, `from` and `to` are the group.
    assert.equal(stored.id, `false_${groupId}_${id}_${HANK}@c.us`);
    assert.equal(stored.to, groupId);
    assert.equal(stored.from, groupId);
    assert.equal(stored.participant, `${HANK}@c.us`);
  });

  test('subject, description and admin-only settings', async () => {
    const { zapd } = sandbox;
    assert.equal((await zapd.api('PUT', `/api/main/groups/${groupId}/subject`, { subject: 'Launch crew 🚀' })).status, 200);
    await waitFor('hank sees the new subject', async () => (await admin<GroupBody[]>('GET', `/accounts/${HANK}/groups`)).some((group) => group.subject === 'Launch crew 🚀'));
    assert.equal((await zapd.api('PUT', `/api/main/groups/${groupId}/description`, { description: 'T-minus 10' })).status, 200);
    assert.equal((await zapd.api<{ desc: string }>('GET', `/api/main/groups/${groupId}`)).body.desc, 'T-minus 10');
    const set = await zapd.api('PUT', `/api/main/groups/${groupId}/settings/security/messages-admin-only`, { adminsOnly: true });
    assert.deepEqual(set.body, { adminsOnly: true });
    assert.deepEqual((await zapd.api('GET', `/api/main/groups/${groupId}/settings/security/messages-admin-only`)).body, { adminsOnly: true });
    await waitFor('hank sees announce mode', async () => (await admin<GroupBody[]>('GET', `/accounts/${HANK}/groups`)).some((group) => group.announce));
    await zapd.api('PUT', `/api/main/groups/${groupId}/settings/security/messages-admin-only`, { adminsOnly: false });
    assert.deepEqual((await zapd.api('GET', `/api/main/groups/${groupId}/settings/security/info-admin-only`)).body, { adminsOnly: false });
  });

  test('invite links, participants and admins', async () => {
    const { zapd } = sandbox;
    const link = await zapd.api<string>('GET', `/api/main/groups/${groupId}/invite-code`);
    assert.match(link.body, /^https:\/\/chat\.whatsapp\.com\/\S+$/);
    const revoked = await zapd.api<string>('POST', `/api/main/groups/${groupId}/invite-code/revoke`);
    assert.equal(revoked.status, 201);
    assert.notEqual(revoked.body, link.body);
    const info = await zapd.api<GroupBody>('GET', `/api/main/groups/join-info?code=${encodeURIComponent(revoked.body)}`);
    assert.equal(info.body.id, groupId);

    const removed = await zapd.api<Array<{ id: string; status: string }>>('POST', `/api/main/groups/${groupId}/participants/remove`, { participants: [{ id: IRIS }] });
    assert.deepEqual(removed.body, [{ id: `${IRIS}@c.us`, status: '200' }]);
    await waitFor('iris to be out', async () => !(await admin<GroupBody[]>('GET', `/accounts/${IRIS}/groups`)).some((group) => group.id === groupId));
    await waitFor('group.v2.participants remove', () =>
      frames.some((frame) => frame.event === 'group.v2.participants' && frame.payload.type === 'leave' && JSON.stringify(frame.payload.participants).includes(`${IRIS}@c.us`)),
    );
    const promoted = await zapd.api('POST', `/api/main/groups/${groupId}/admin/promote`, { participants: [{ id: HANK }] });
    assert.equal(promoted.status, 201);
    const participants = await zapd.api<Array<{ id: string; role: string }>>('GET', `/api/main/groups/${groupId}/participants`);
    assert.deepEqual(participants.body.find((participant) => participant.id === `${HANK}@c.us`)?.role, 'admin');
    assert.equal(participants.body.some((participant) => participant.id === `${IRIS}@c.us`), false);
  });

  test('leave, and bad input', async () => {
    const { zapd } = sandbox;
    assert.equal((await zapd.api('GET', '/api/main/groups/not-a-group')).status, 400);
    assert.equal((await zapd.api('GET', '/api/main/groups/120363000000000000@g.us')).status, 404);
    assert.equal((await zapd.api('POST', '/api/main/groups', { name: 'x' })).status, 400);
    assert.equal((await zapd.api('POST', `/api/main/groups/${groupId}/leave`)).status, 201);
    assert.deepEqual((await zapd.api('GET', '/api/main/groups/count')).body, { count: 0 });
  });
});
