// Incoming WhatsApp activity reaches a real webhook receiver and a WebSocket client as WAHA events.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import { startReceiver, type Receiver } from './support/receiver.ts';
import { waitFor } from './support/wait.ts';
import { startSandbox, TEST_API_KEY, type Sandbox } from './support/zapd.ts';

const ME = '15550004000';
const DAN = '15550004001';

describe('events end to end', () => {
  let sandbox: Sandbox;
  let receiver: Receiver;
  let flaky: Receiver;
  let socket: WebSocket;
  const frames: Array<{ event: string; payload: Record<string, unknown> }> = [];
  const admin = <T>(method: string, path: string, body?: unknown) => sandbox.admin<T>(method, path, body);
  const danSends = (body: Record<string, unknown>) => admin<{ id: string }>('POST', `/accounts/${DAN}/send`, { to: ME, ...body });
  const eventFor = (name: string, match: (payload: Record<string, unknown>) => boolean) =>
    waitFor(`${name} at the webhook`, () => receiver.events(name).find((event) => match(event.payload)));

  before(async () => {
    sandbox = await startSandbox();
    receiver = await startReceiver();
    flaky = await startReceiver();
    flaky.respond = (_request, index) => (index < 2 ? 500 : 200);
    const created = await sandbox.zapd.api('POST', '/api/sessions', {
      name: 'main',
      config: {
        metadata: { tenant: 'acme' },
        webhooks: [
          {
            url: receiver.url,
            events: ['message', 'message.any', 'message.ack', 'message.reaction', 'message.edited', 'message.revoked', 'poll.vote', 'session.status', 'state.change'],
            hmac: { key: 'webhook-secret' },
            customHeaders: [{ name: 'X-Tenant', value: 'acme' }],
          },
          { url: flaky.url, events: ['session.status'], retries: { policy: 'constant', delaySeconds: 0, attempts: 5 } },
          { url: 'http://127.0.0.1:9/nobody-listens', events: ['session.status'], retries: { policy: 'constant', delaySeconds: 0, attempts: 1 } },
        ],
      },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    await sandbox.waitForStatus('main', 'SCAN_QR_CODE');
    const qr = await sandbox.zapd.api<{ value: string }>('GET', '/api/main/auth/qr?format=raw');
    await sandbox.simulator.scan(qr.body.value, ME);
    await sandbox.waitForStatus('main', 'WORKING');
    await admin('POST', '/accounts', { phone: DAN, pushName: 'Dan' });
    socket = new WebSocket(`${sandbox.zapd.url.replace('http', 'ws')}/ws?session=main&events=message&events=message.reaction&x-api-key=${TEST_API_KEY}`);
    socket.on('message', (data) => frames.push(JSON.parse(String(data)) as (typeof frames)[number]));
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
  });
  after(async () => {
    socket?.close();
    await sandbox.close();
    await receiver.close();
    await flaky.close();
  });

  test('session.status events carry the WAHA envelope, HMAC and custom headers', async () => {
    const working = await eventFor('session.status', (payload) => payload.status === 'WORKING');
    assert.equal(working.session, 'main');
    assert.equal(working.engine, 'NOWEB');
    assert.deepEqual(working.metadata, { tenant: 'acme' });
    assert.match(working.id, /^evt_/);
    const request = receiver.requests.find((entry) => entry.body.id === working.id);
    assert.ok(request);
    assert.equal(request.headers['x-webhook-hmac'], createHmac('sha512', 'webhook-secret').update(request.raw).digest('hex'));
    assert.equal(request.headers['x-webhook-hmac-algorithm'], 'sha512');
    assert.equal(request.headers['x-tenant'], 'acme');
    assert.equal(request.headers['x-webhook-request-id'], working.id);
    await eventFor('state.change', (payload) => payload.state === 'CONNECTED');
  });

  test('a receiver answering 500 gets the event again, per its retry policy', async () => {
    await waitFor('the flaky receiver to get WORKING on the third try', () => flaky.requests.filter((request) => request.body.event === 'session.status' && request.body.payload.status === 'WORKING').length >= 1 && flaky.requests.length >= 3);
    const ids = flaky.requests.map((request) => request.body.id);
    assert.equal(ids[0], ids[1], 'the failed delivery is retried with the same event');
    assert.equal(ids[1], ids[2]);
  });

  test('a receiver that never answers ends dead in the outbox, and can be retried', async () => {
    const { zapd } = sandbox;
    const dead = await waitFor('a dead delivery', async () =>
      (await zapd.api<Array<{ seq: number; url: string; attempts: number; lastError: string }>>('GET', '/api/server/webhooks/deliveries?status=dead')).body.find((row) => row.url.includes('nobody-listens')),
    );
    assert.equal(dead.attempts, 1);
    assert.ok(dead.lastError);
    assert.equal((await zapd.api('POST', `/api/server/webhooks/deliveries/${dead.seq}/retry`)).status, 201);
    await waitFor('the retried row to be given up again', async () =>
      (await zapd.api<Array<{ seq: number; attempts: number }>>('GET', '/api/server/webhooks/deliveries?status=dead')).body.some((row) => row.seq === dead.seq && row.attempts === 1),
    );
    assert.equal((await zapd.api('POST', '/api/server/webhooks/deliveries/999999/retry')).status, 404);
  });

  test('an incoming text reaches the webhook and the WebSocket', async () => {
    const { id } = await danSends({ text: 'hi from dan' });
    const message = await eventFor('message', (payload) => String(payload.id).endsWith(id));
    assert.equal(message.payload.body, 'hi from dan');
    assert.equal(message.payload.from, `${DAN}@c.us`);
    // NOWEB: a 1:1 message has no `to` or `participant`; WhatsApp delivered it, so its ack is DEVICE.
    assert.equal('to' in message.payload, false);
    assert.equal('participant' in message.payload, false);
    assert.equal(message.payload.ack, 2);
    assert.equal(message.payload.ackName, 'DEVICE');
    assert.equal(message.payload.fromMe, false);
    assert.equal(message.payload.id, `false_${DAN}@c.us_${id}`);
    await waitFor('the WebSocket frame', () => frames.find((frame) => frame.event === 'message' && frame.payload.id === message.payload.id));
    const stored = await sandbox.zapd.api<Array<{ id: string; body: string }>>('GET', `/api/main/chats/${DAN}@c.us/messages?limit=10`);
    assert.ok(stored.body.some((entry) => entry.id === message.payload.id && entry.body === 'hi from dan'));
  });

  test('an incoming image is downloaded and served at media.url', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex');
    const { id } = await danSends({ image: { data: png.toString('base64'), mimetype: 'image/png', caption: 'look' } });
    const message = await eventFor('message', (payload) => String(payload.id).endsWith(id));
    assert.equal(message.payload.hasMedia, true);
    assert.equal(message.payload.body, 'look');
    const media = message.payload.media as { url: string; mimetype: string; error: unknown };
    assert.equal(media.mimetype, 'image/png');
    assert.equal(media.error, null);
    assert.ok(media.url.startsWith(`${sandbox.zapd.url}/api/files/main/`), media.url);
    const withoutKey = await fetch(media.url);
    assert.equal(withoutKey.status, 401);
    const file = await fetch(media.url, { headers: { 'x-api-key': TEST_API_KEY } });
    assert.equal(file.status, 200);
    assert.equal(file.headers.get('content-type'), 'image/png');
    assert.deepEqual(Buffer.from(await file.arrayBuffer()), png);
    const escape = await sandbox.zapd.api('GET', '/api/files/main/..%2F..%2Fzapd.sqlite');
    assert.equal(escape.status, 404);
    const path = new URL(media.url).pathname;
    assert.equal((await sandbox.zapd.api('DELETE', path)).status, 200);
    assert.equal((await sandbox.zapd.api('GET', path)).status, 404);
  });

  test('acks go SERVER → DEVICE → READ for a message we send', async () => {
    const sent = await sandbox.zapd.api<{ id: string }>('POST', '/api/sendText', { session: 'main', chatId: DAN, text: 'ack me' });
    assert.equal(sent.status, 201);
    await eventFor('message.ack', (payload) => payload.id === sent.body.id && payload.ackName === 'DEVICE');
    await admin('POST', `/accounts/${DAN}/read`, {});
    await eventFor('message.ack', (payload) => payload.id === sent.body.id && payload.ackName === 'READ');
    const acks = receiver.events('message.ack').filter((event) => event.payload.id === sent.body.id).map((event) => event.payload.ack);
    assert.deepEqual(acks, [1, 2, 3]);
    const stored = await sandbox.zapd.api<{ ack: number; ackName: string }>('GET', `/api/main/chats/${DAN}@c.us/messages/${sent.body.id}`);
    assert.equal(stored.body.ackName, 'READ');
  });

  test('reaction, edit and revoke from the contact become events', async () => {
    const sent = await sandbox.zapd.api<{ id: string }>('POST', '/api/sendText', { session: 'main', chatId: DAN, text: 'react to me' });
    await waitFor('dan has it', async () => (await admin<Array<{ id: string }>>('GET', `/accounts/${DAN}/messages`)).some((message) => sent.body.id.endsWith(message.id)));
    await danSends({ reaction: { messageId: sent.body.id, emoji: '❤️' } });
    const reaction = await eventFor('message.reaction', (payload) => (payload.reaction as { messageId: string }).messageId.endsWith(sent.body.id.split('_').pop() ?? ''));
    assert.equal((reaction.payload.reaction as { text: string }).text, '❤️');
    await waitFor('reaction on the WebSocket', () => frames.some((frame) => frame.event === 'message.reaction'));

    const { id } = await danSends({ text: 'teh original' });
    await eventFor('message', (payload) => String(payload.id).endsWith(id));
    await danSends({ edit: { messageId: id, text: 'the original' } });
    const edited = await eventFor('message.edited', (payload) => payload.editedMessageId === id);
    assert.equal(edited.payload.body, 'the original');
    await danSends({ revoke: { messageId: id } });
    const revoked = await eventFor('message.revoked', (payload) => payload.revokedMessageId === id);
    assert.equal((revoked.payload.before as { body: string } | null)?.body, 'teh original');
  });

  test('a poll vote from the contact is decrypted into poll.vote', async () => {
    const poll = await sandbox.zapd.api<{ id: string }>('POST', '/api/sendPoll', { session: 'main', chatId: DAN, poll: { name: 'Pick one', options: ['Red', 'Blue', 'Green'] } });
    assert.equal(poll.status, 201);
    await waitFor('dan has the poll', async () => (await admin<Array<{ id: string }>>('GET', `/accounts/${DAN}/messages`)).some((message) => poll.body.id.endsWith(message.id)));
    await danSends({ pollVote: { pollMessageId: poll.body.id, options: ['Blue'] } });
    const vote = await eventFor('poll.vote', (payload) => (payload.poll as { id: string }).id === poll.body.id);
    assert.deepEqual((vote.payload.vote as { selectedOptions: string[] }).selectedOptions, ['Blue']);
  });

  test('the WebSocket refuses a missing key', async () => {
    const refused = new WebSocket(`${sandbox.zapd.url.replace('http', 'ws')}/ws?session=main`);
    const status = await new Promise<number>((resolve) => refused.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0)));
    refused.on('error', () => undefined);
    refused.terminate();
    assert.equal(status, 401);
  });
});
