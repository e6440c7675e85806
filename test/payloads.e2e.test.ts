// Response bodies and event payloads in the shapes of WAHA's NOWEB engine (the yardstick for drop-in
// clients): send answers carry NOWEB's raw key/messageTimestamp/status, `from` is always the chat,
// acks follow their message.any one step at a time, and group changes made by others become the
// 2026 group events.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startReceiver, type Receiver } from './support/receiver.ts';
import { waitFor } from './support/wait.ts';
import { startSandbox, type Sandbox } from './support/zapd.ts';

const ME = '15550007000';
const OLGA = '15550007001';
const PETE = '15550007002';
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200', 'hex').toString('base64');

type Payload = Record<string, unknown>;

describe('NOWEB payloads end to end', () => {
  let sandbox: Sandbox;
  let receiver: Receiver;
  const admin = <T>(method: string, path: string, body?: unknown) => sandbox.admin<T>(method, path, body);
  const eventFor = (name: string, match: (payload: Payload) => boolean) =>
    waitFor(`${name} at the webhook`, () => receiver.events(name).find((event) => match(event.payload)));

  before(async () => {
    sandbox = await startSandbox();
    receiver = await startReceiver();
    const created = await sandbox.zapd.api('POST', '/api/sessions', { name: 'main', config: { webhooks: [{ url: receiver.url, events: ['*'] }] } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    await sandbox.waitForStatus('main', 'SCAN_QR_CODE');
    const qr = await sandbox.zapd.api<{ value: string }>('GET', '/api/main/auth/qr?format=raw');
    await sandbox.simulator.scan(qr.body.value, ME);
    await sandbox.waitForStatus('main', 'WORKING');
    await admin('POST', '/accounts', { phone: OLGA, pushName: 'Olga' });
    await admin('POST', '/accounts', { phone: PETE, pushName: 'Pete' });
  });
  after(async () => {
    await sandbox.close();
    await receiver.close();
  });

  test('state.change carries the state and what the connection update said', async () => {
    const connected = await eventFor('state.change', (payload) => payload.state === 'CONNECTED');
    assert.equal(connected.payload.connection, 'open');
  });

  test('every send route answers WAHA message fields plus NOWEB key, message, messageTimestamp, status', async () => {
    const { zapd } = sandbox;
    const chatId = `${OLGA}@c.us`;
    const first = await zapd.api<Payload>('POST', '/api/sendText', { session: 'main', chatId, text: 'first' });
    assert.equal(first.status, 201, JSON.stringify(first.body));
    const sends: Array<{ path: string; body: Payload }> = [
      { path: '/api/sendText', body: { chatId, text: 'plain' } },
      { path: '/api/sendImage', body: { chatId, caption: 'pic', file: { mimetype: 'image/png', data: PNG } } },
      { path: '/api/sendFile', body: { chatId, file: { mimetype: 'application/pdf', filename: 'a.pdf', data: Buffer.from('%PDF-1.4').toString('base64') } } },
      { path: '/api/sendVoice', body: { chatId, file: { mimetype: 'audio/ogg; codecs=opus', data: Buffer.from('OggS voice').toString('base64') } } },
      { path: '/api/sendVideo', body: { chatId, caption: 'clip', file: { mimetype: 'video/mp4', data: Buffer.from('....ftypmp42 video').toString('base64') } } },
      { path: '/api/sendLocation', body: { chatId, latitude: 1.5, longitude: 2.5, title: 'Here' } },
      { path: '/api/sendContactVcard', body: { chatId, contacts: [{ fullName: 'Dee', phoneNumber: '+15550001234' }] } },
      { path: '/api/sendPoll', body: { chatId, poll: { name: 'Tea?', options: ['Yes', 'No'] } } },
      { path: '/api/reply', body: { chatId, text: 'quoting', reply_to: first.body.id } },
      { path: '/api/forwardMessage', body: { chatId, messageId: first.body.id } },
      { path: '/api/send/link-custom-preview', body: { chatId, text: 'see https://example.test/x', preview: { url: 'https://example.test/x', title: 'X' } } },
      { path: '/api/main/events', body: { chatId, event: { name: 'Party', startTime: Math.floor(Date.now() / 1000) + 3600 } } },
      { path: '/api/main/status/text', body: { text: 'on air', contacts: [chatId] } },
    ];
    for (const { path, body } of sends) {
      const sent = await zapd.api<Payload>('POST', path, path.startsWith('/api/main/') ? body : { session: 'main', ...body });
      assert.equal(sent.status, 201, `${path}: ${JSON.stringify(sent.body)}`);
      const message = sent.body;
      const key = message.key as { remoteJid: string; fromMe: boolean; id: string };
      const chat = path.includes('/status/') ? 'status@broadcast' : chatId;
      assert.equal(message.id, `true_${chat}_${key.id}`, path);
      assert.equal(key.fromMe, true, path);
      assert.equal(key.remoteJid, chat.replace('@c.us', '@s.whatsapp.net'), path);
      assert.equal(message.from, chat, `${path}: from is the chat`);
      assert.equal('to' in message, false, path);
      assert.equal(message.fromMe, true, path);
      assert.equal(message.messageTimestamp, String(message.timestamp), path);
      assert.equal(message.status, 'PENDING', path);
      assert.equal(message.ack, 0, path);
      assert.equal(message.ackName, 'PENDING', path);
      assert.equal(message.source, 'api', path);
      assert.equal(typeof message.message, 'object', path);
      assert.ok(message.message !== null, path);
      assert.ok('_data' in message && 'hasMedia' in message && 'vCards' in message, path);
    }
  });

  test('message.any (PENDING) comes before the acks, and each ack step comes once', async () => {
    const sent = await sandbox.zapd.api<Payload>('POST', '/api/sendText', { session: 'main', chatId: `${PETE}@c.us`, text: 'order please' });
    const id = String(sent.body.id);
    await waitFor('pete to get it', async () => (await admin<Array<{ id: string }>>('GET', `/accounts/${PETE}/messages`)).some((message) => id.endsWith(message.id)));
    await admin('POST', `/accounts/${PETE}/read`, {});
    await eventFor('message.ack', (payload) => payload.id === id && payload.ackName === 'READ');
    // Let any straggling duplicate arrive before counting.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const sequence = receiver.requests
      .map((request) => request.body)
      .filter((event) => (event.event === 'message.any' || event.event === 'message.ack') && event.payload.id === id)
      .map((event) => `${event.event}:${String(event.payload.ackName)}`);
    assert.deepEqual(sequence, ['message.any:PENDING', 'message.ack:SERVER', 'message.ack:DEVICE', 'message.ack:READ']);
    const ack = receiver.events('message.ack').find((event) => event.payload.id === id)?.payload;
    assert.deepEqual(ack, { id, from: `${PETE}@c.us`, fromMe: true, ack: 1, ackName: 'SERVER' });
    const any = receiver.events('message.any').find((event) => event.payload.id === id)?.payload;
    assert.equal(any?.from, `${PETE}@c.us`);
    assert.equal(any && 'to' in any, false);
  });

  test('a group someone creates with us, changes and removes us from, as group events', async () => {
    const created = await admin<{ id: string }>('POST', `/accounts/${OLGA}/groups`, { subject: 'Book club', participants: [ME] });
    const groupId = created.id;
    const join = await eventFor('group.v2.join', (payload) => (payload.group as Payload).id === groupId);
    const group = join.payload.group as { subject: string; participants: Array<{ id: string; pn: string | null; role: string }>; membersCanSendMessages: boolean };
    assert.equal(group.subject, 'Book club');
    assert.deepEqual(group.participants.map((participant) => `${participant.id}:${participant.pn}:${participant.role}`).sort(), [`${ME}@c.us:${ME}@c.us:participant`, `${OLGA}@c.us:${OLGA}@c.us:superadmin`].sort());
    assert.equal(group.membersCanSendMessages, true);
    assert.ok(Number(join.payload.timestamp) > 1e12, 'milliseconds');
    assert.equal((join.payload._data as Payload).id, groupId);
    const legacyJoin = await eventFor('group.join', (payload) => payload.id === groupId);
    assert.equal(legacyJoin.payload.subject, 'Book club');

    // A group message from Olga: from and to are the group, participant (and author) is Olga; ours has no participant.
    const { id: olgaMessage } = await admin<{ id: string }>('POST', `/accounts/${OLGA}/send`, { to: groupId, text: 'welcome' });
    const incoming = await eventFor('message', (payload) => String(payload.id).includes(olgaMessage));
    assert.equal(incoming.payload.id, `false_${groupId}_${olgaMessage}_${OLGA}@c.us`);
    assert.equal(incoming.payload.from, groupId);
    assert.equal(incoming.payload.to, groupId);
    assert.equal(incoming.payload.participant, `${OLGA}@c.us`);
    assert.equal(incoming.payload.author, `${OLGA}@c.us`);
    assert.equal(incoming.payload.ackName, 'DEVICE');
    const mine = await sandbox.zapd.api<Payload>('POST', '/api/sendText', { session: 'main', chatId: groupId, text: 'thanks' });
    const mineEvent = await eventFor('message.any', (payload) => payload.id === mine.body.id);
    assert.equal(mineEvent.payload.from, groupId);
    assert.equal('participant' in mineEvent.payload, false);

    await admin('POST', `/accounts/${OLGA}/groups/${groupId}/participants`, { action: 'add', participants: [PETE] });
    const added = await eventFor('group.v2.participants', (payload) => payload.type === 'join' && (payload.group as Payload).id === groupId);
    assert.deepEqual(added.payload.participants, [{ id: `${PETE}@c.us`, pn: `${PETE}@c.us`, role: 'participant' }]);
    assert.ok(Number(added.payload.timestamp) > 1e12);
    assert.equal((added.payload._data as Payload).action, 'add');

    await admin('POST', `/accounts/${OLGA}/groups/${groupId}/participants`, { action: 'promote', participants: [ME] });
    const promoted = await eventFor('group.v2.participants', (payload) => payload.type === 'promote' && (payload.group as Payload).id === groupId);
    assert.deepEqual(promoted.payload.participants, [{ id: `${ME}@c.us`, pn: `${ME}@c.us`, role: 'admin' }]);
    await admin('POST', `/accounts/${OLGA}/groups/${groupId}/participants`, { action: 'demote', participants: [ME] });
    const demoted = await eventFor('group.v2.participants', (payload) => payload.type === 'demote' && (payload.group as Payload).id === groupId);
    assert.deepEqual(demoted.payload.participants, [{ id: `${ME}@c.us`, pn: `${ME}@c.us`, role: 'participant' }]);

    await admin('POST', `/accounts/${OLGA}/groups/${groupId}/subject`, { subject: 'Book club 2' });
    const updated = await eventFor('group.v2.update', (payload) => (payload.group as Payload).id === groupId);
    assert.equal((updated.payload.group as Payload).subject, 'Book club 2');
    assert.ok(Array.isArray((updated.payload.group as Payload).participants), 'the full group');
    assert.equal((updated.payload._data as Payload).subject, 'Book club 2');

    await admin('POST', `/accounts/${OLGA}/groups/${groupId}/participants`, { action: 'remove', participants: [ME] });
    const left = await eventFor('group.v2.participants', (payload) => payload.type === 'leave' && (payload.group as Payload).id === groupId);
    assert.deepEqual(left.payload.participants, [{ id: `${ME}@c.us`, pn: `${ME}@c.us`, role: 'left' }]);
    const leave = await eventFor('group.v2.leave', (payload) => (payload.group as Payload).id === groupId);
    assert.deepEqual(leave.payload.group, { id: groupId });
    assert.ok(Number(leave.payload.timestamp) > 1e12);
    const legacyLeave = await eventFor('group.leave', (payload) => payload.id === groupId);
    assert.equal(legacyLeave.payload.type, 'remove');
    assert.equal(legacyLeave.payload.author, `${OLGA}@c.us`);

    // Added back to the existing group: joining again, with the whole group.
    await admin('POST', `/accounts/${OLGA}/groups/${groupId}/participants`, { action: 'add', participants: [ME] });
    await waitFor('a second group.v2.join', () => (receiver.events('group.v2.join').filter((event) => (event.payload.group as Payload).id === groupId).length >= 2 ? true : undefined));
    const rejoined = receiver.events('group.v2.join').filter((event) => (event.payload.group as Payload).id === groupId)[1];
    assert.equal((rejoined?.payload.group as Payload).subject, 'Book club 2');
  });
});
