// Status, event messages, pins, chat overview, LIDs, screenshot, metrics, and the clear 501s.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { waitFor } from './support/wait.ts';
import WebSocket from 'ws';
import { startSandbox, TEST_API_KEY, type Sandbox } from './support/zapd.ts';

const ME = '15550011000';
const KAI = '15550011001';

interface ContactMessage {
  id: string;
  chat: string;
  type: string;
  text: string | null;
}

describe('more of the API end to end', () => {
  let sandbox: Sandbox;
  const admin = <T>(method: string, path: string, body?: unknown) => sandbox.admin<T>(method, path, body);
  const kaiMessages = () => admin<ContactMessage[]>('GET', `/accounts/${KAI}/messages`);

  before(async () => {
    sandbox = await startSandbox();
    await sandbox.linkSession('main', ME);
    await admin('POST', '/accounts', { phone: KAI, pushName: 'Kai' });
    const { id } = await admin<{ id: string }>('POST', `/accounts/${KAI}/send`, { to: ME, text: 'hey' });
    await waitFor('kai is a known contact', async () => (await sandbox.zapd.api<Array<{ id: string }>>('GET', `/api/main/chats/${KAI}@c.us/messages`)).body.some((message) => message.id.endsWith(id)));
  });
  after(async () => {
    await sandbox.close();
  });

  test('a text status reaches the contacts it is shown to', async () => {
    const { zapd } = sandbox;
    const posted = await zapd.api<{ id: string }>('POST', '/api/main/status/text', { text: 'on air', backgroundColor: '#112233', font: 1 });
    assert.equal(posted.status, 201, JSON.stringify(posted.body));
    await waitFor('kai sees the status', async () => (await kaiMessages()).some((message) => message.chat === 'status@broadcast' && message.text === 'on air'));
    const id = await zapd.api<{ id: string }>('GET', '/api/main/status/new-message-id');
    assert.match(id.body.id, /^[0-9A-F]{10,}$/);
    assert.equal((await zapd.api('POST', '/api/main/status/delete', { id: posted.body.id })).status, 201);
  });

  test('status image, server environment, call reject', async () => {
    const { zapd } = sandbox;
    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200', 'hex').toString('base64');
    const image = await zapd.api<{ id: string }>('POST', '/api/main/status/image', { file: { mimetype: 'image/png', data: png }, caption: 'behind the scenes', contacts: [`${KAI}@c.us`] });
    assert.equal(image.status, 201, JSON.stringify(image.body));
    await waitFor('kai sees the image status', async () => (await kaiMessages()).some((message) => message.chat === 'status@broadcast' && message.type === 'imageMessage'));
    const environment = await zapd.api<{ version: string; engine: string; WHATSAPP_API_KEY: string }>('GET', '/api/server/environment?all=true');
    assert.equal(environment.body.engine, 'NOWEB');
    assert.equal(environment.body.WHATSAPP_API_KEY, '***', 'secrets are masked');
    const rejected = await zapd.api('POST', '/api/main/calls/reject', { from: `${KAI}@c.us`, id: 'ABCDEF0123456789' });
    assert.equal(rejected.status, 201, JSON.stringify(rejected.body));
  });

  test('an event message and a pinned message', async () => {
    const { zapd } = sandbox;
    const event = await zapd.api<{ id: string }>('POST', '/api/main/events', { chatId: `${KAI}@c.us`, event: { name: 'Launch party', startTime: Math.floor(Date.now() / 1000) + 3600, location: { name: 'Rooftop' } } });
    assert.equal(event.status, 201, JSON.stringify(event.body));
    await waitFor('kai gets the event', async () => (await kaiMessages()).some((message) => event.body.id.endsWith(message.id) && message.type === 'eventMessage'));
    const pinned = await zapd.api('POST', `/api/main/chats/${KAI}@c.us/messages/${event.body.id}/pin`, { duration: 86400 });
    assert.equal(pinned.status, 201, JSON.stringify(pinned.body));
    await waitFor('kai sees the pin', async () => (await kaiMessages()).some((message) => message.type === 'pinInChatMessage'));
    assert.equal((await zapd.api('POST', `/api/main/chats/${KAI}@c.us/messages/${event.body.id}/unpin`)).status, 201);
  });

  test('chats overview, chat picture and LIDs', async () => {
    const { zapd } = sandbox;
    const overview = await zapd.api<Array<{ id: string; lastMessage: { id: string } | null }>>('GET', '/api/main/chats/overview?limit=10');
    assert.ok(overview.body.some((chat) => chat.id === `${KAI}@c.us` && chat.lastMessage !== null));
    const filtered = await zapd.api<Array<{ id: string }>>('POST', '/api/main/chats/overview', { filter: { ids: [`${KAI}@c.us`] } });
    assert.deepEqual(filtered.body.map((chat) => chat.id), [`${KAI}@c.us`]);
    assert.deepEqual((await zapd.api('GET', `/api/main/chats/${KAI}@c.us/picture`)).body, { url: null });
    const lids = await zapd.api<Array<{ lid: string; pn: string }>>('GET', '/api/main/lids');
    assert.ok(lids.body.some((pair) => pair.pn === `${KAI}@c.us` && /@lid$/.test(pair.lid)), JSON.stringify(lids.body));
    assert.deepEqual((await zapd.api('GET', '/api/main/lids/count')).body, { count: lids.body.length });
  });

  test('screenshot: a QR while waiting for a scan, a card once linked', async () => {
    const { zapd } = sandbox;
    const card = await zapd.api<Buffer>('GET', '/api/screenshot?session=main');
    assert.equal(card.status, 200);
    assert.equal(card.headers.get('content-type'), 'image/png');
    assert.deepEqual([...card.body.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
    await zapd.api('POST', '/api/sessions', { name: 'waiting' });
    await sandbox.waitForStatus('waiting', 'SCAN_QR_CODE');
    const qr = await zapd.api<Buffer>('GET', '/api/screenshot?session=waiting');
    assert.equal(qr.headers.get('content-type'), 'image/png');
    assert.notDeepEqual(qr.body, card.body);
    await zapd.api('DELETE', '/api/sessions/waiting');
  });

  test('metrics count sessions, messages and webhook-free events', async () => {
    // The admin key: /metrics is closed unless ZAPD_METRICS_PUBLIC (test/keys.e2e.test.ts).
    const response = await fetch(`${sandbox.zapd.url}/metrics`, { headers: { 'x-api-key': TEST_API_KEY } });
    assert.equal(response.status, 200);
    const text = await response.text();
    assert.match(text, /zapd_sessions\{status="WORKING"\} 1/);
    assert.match(text, /zapd_messages_total\{direction="in"\} \d+/);
    assert.match(text, /zapd_messages_total\{direction="out"\} \d+/);
    assert.match(text, /zapd_http_requests_total\{[^}]*route="\/api\/:session\/status\/text"[^}]*\} 1/);
    assert.match(text, /zapd_webhook_outbox_pending 0/);
  });

  test('app-state changes: archive, unarchive, unread, push name, saved contact', async () => {
    const { zapd } = sandbox;
    const socket = new WebSocket(`${zapd.url.replace('http', 'ws')}/ws?session=main&events=chat.archive&x-api-key=${TEST_API_KEY}`);
    const frames: Array<{ payload: { id: string; archived: boolean } }> = [];
    socket.on('message', (data) => frames.push(JSON.parse(String(data)) as (typeof frames)[number]));
    await new Promise((resolve) => socket.once('open', resolve));
    try {
      assert.equal((await zapd.api('POST', `/api/main/chats/${KAI}@c.us/archive`)).status, 201);
      await waitFor('chat.archive true', () => frames.some((frame) => frame.payload.id === `${KAI}@c.us` && frame.payload.archived));
      assert.equal((await zapd.api('POST', `/api/main/chats/${KAI}@c.us/unarchive`)).status, 201);
      await waitFor('chat.archive false', () => frames.some((frame) => frame.payload.id === `${KAI}@c.us` && !frame.payload.archived));
    } finally {
      socket.close();
    }
    assert.equal((await zapd.api('POST', `/api/main/chats/${KAI}@c.us/unread`)).status, 201);
    assert.equal((await zapd.api('POST', `/api/main/chats/${KAI}@c.us/pin`)).status, 201);
    assert.equal((await zapd.api('POST', `/api/main/chats/${KAI}@c.us/unpin`)).status, 201);
    const renamed = await zapd.api('PUT', '/api/main/profile/name', { name: 'Zapd Bot' });
    assert.equal(renamed.status, 200, JSON.stringify(renamed.body));
    const saved = await zapd.api('PUT', `/api/main/contacts/${KAI}@c.us`, { firstName: 'Kai', lastName: 'Doe' });
    assert.equal(saved.status, 200, JSON.stringify(saved.body));
  });

  test('labels: create, rename, put on a chat, list, take off, delete — with label.* events', async () => {
    const { zapd } = sandbox;
    const socket = new WebSocket(`${zapd.url.replace('http', 'ws')}/ws?session=main&events=label.upsert,label.deleted,label.chat.added,label.chat.deleted&x-api-key=${TEST_API_KEY}`);
    const seen: string[] = [];
    socket.on('message', (data) => seen.push((JSON.parse(String(data)) as { event: string }).event));
    await new Promise((resolve) => socket.once('open', resolve));
    try {
      const created = await zapd.api<{ id: string; name: string; colorHex: string }>('POST', '/api/main/labels', { name: 'VIP', colorHex: '#64c4ff' });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.equal(created.body.colorHex, '#64c4ff');
      await waitFor('the label to be known', async () => (await zapd.api<Array<{ id: string }>>('GET', '/api/main/labels')).body.some((label) => label.id === created.body.id));
      const renamed = await zapd.api<{ name: string }>('PUT', `/api/main/labels/${created.body.id}`, { name: 'Very VIP', color: 3 });
      assert.equal(renamed.body.name, 'Very VIP');
      assert.equal((await zapd.api('PUT', `/api/main/labels/chats/${KAI}@c.us`, { labels: [{ id: created.body.id }] })).status, 200);
      await waitFor('the chat to carry it', async () => (await zapd.api<Array<{ id: string }>>('GET', `/api/main/labels/chats/${KAI}@c.us`)).body.some((label) => label.id === created.body.id));
      assert.deepEqual((await zapd.api('GET', `/api/main/labels/${created.body.id}/chats`)).body, [{ id: `${KAI}@c.us` }]);
      await zapd.api('PUT', `/api/main/labels/chats/${KAI}@c.us`, { labels: [] });
      await waitFor('the chat to lose it', async () => (await zapd.api<unknown[]>('GET', `/api/main/labels/chats/${KAI}@c.us`)).body.length === 0);
      assert.equal((await zapd.api('DELETE', `/api/main/labels/${created.body.id}`)).status, 200);
      await waitFor('the label to be gone', async () => (await zapd.api<unknown[]>('GET', '/api/main/labels')).body.length === 0);
      await waitFor('all four label events', () => ['label.upsert', 'label.chat.added', 'label.chat.deleted', 'label.deleted'].every((event) => seen.includes(event)));
      assert.equal((await zapd.api('PUT', `/api/main/labels/chats/${KAI}@c.us`, { labels: [{ id: '999' }] })).status, 404);
      assert.equal((await zapd.api('POST', '/api/main/labels', { name: 'x', colorHex: '#000000' })).status, 400);
    } finally {
      socket.close();
    }
  });

  test('channels: create, look up by id and invite, follow from another account, mute, delete', async () => {
    const { zapd } = sandbox;
    const created = await zapd.api<{ id: string; invite: string; role: string; name: string }>('POST', '/api/main/channels', { name: 'zapd news', description: 'releases' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.match(created.body.id, /@newsletter$/);
    assert.equal(created.body.role, 'OWNER');
    assert.deepEqual((await zapd.api<Array<{ id: string }>>('GET', '/api/main/channels?role=OWNER')).body.map((channel) => channel.id), [created.body.id]);
    const byInvite = await zapd.api<{ id: string }>('GET', `/api/main/channels/${encodeURIComponent(created.body.invite)}`);
    assert.equal(byInvite.body.id, created.body.id);
    await sandbox.linkSession('fan', '15550011099');
    assert.equal((await zapd.api('POST', `/api/fan/channels/${created.body.id}/follow`)).status, 201);
    const seenByFan = await zapd.api<{ role: string; subscribersCount: number }>('GET', `/api/fan/channels/${created.body.id}`);
    assert.equal(seenByFan.body.role, 'SUBSCRIBER');
    assert.equal(seenByFan.body.subscribersCount, 2);
    const post = await zapd.api<{ id: string }>('POST', '/api/sendText', { session: 'main', chatId: created.body.id, text: 'v1.0 is out' });
    assert.equal(post.status, 201, JSON.stringify(post.body));
    await waitFor('the follower to get the post', async () =>
      (await zapd.api<Array<{ body: string }>>('GET', `/api/fan/chats/${created.body.id}/messages`)).body.some((message) => message.body === 'v1.0 is out'),
    );
    const preview = await zapd.api<Array<{ body: string }>>('GET', `/api/fan/channels/${created.body.id}/messages/preview?limit=5`);
    assert.deepEqual(preview.body.map((message) => message.body), ['v1.0 is out']);
    assert.equal((await zapd.api('POST', `/api/fan/channels/${created.body.id}/mute`)).status, 201);
    assert.equal((await zapd.api('POST', `/api/fan/channels/${created.body.id}/unfollow`)).status, 201);
    assert.equal((await zapd.api<{ subscribersCount: number }>('GET', `/api/main/channels/${created.body.id}`)).body.subscribersCount, 1);
    assert.equal((await zapd.api('DELETE', `/api/main/channels/${created.body.id}`)).status, 200);
    assert.equal((await zapd.api('GET', `/api/main/channels/${created.body.id}`)).status, 404);
  });

  test('what is not built yet answers 501 with the reason', async () => {
    const { zapd } = sandbox;
    for (const path of ['/api/main/channels/search/views', '/api/main/channels/search/countries']) {
      const response = await zapd.api<{ statusCode: number; message: string }>('GET', path);
      assert.equal(response.status, 501, path);
      assert.match(response.body.message, /not implemented/);
    }
  });
});
