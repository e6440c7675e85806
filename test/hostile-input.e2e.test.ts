// Requests that used to answer 500 (numbers ajv coerced past their bounds, NUL bytes PostgreSQL
// refuses, WhatsApp's refusals raised by Baileys, undecodable images, bare message ids): each now
// gets a JSON 4xx, on both stores, and the session stays WORKING.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startSandbox, storeBackends, type Sandbox } from './support/zapd.ts';

const ME = '15550005000';
const PAL = '15550005001';
const CHAT = `${PAL}@c.us`;
const NOT_MY_GROUP = '120363000000000001@g.us';
const PNG_1PX = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const HUGE = '99999999999999999999';

interface Case {
  method: string;
  path: string;
  body?: unknown;
  /** The status the request must get (always a 4xx). */
  status: number;
  /** A piece of the message that says what was wrong. */
  says: RegExp;
}

const cases: Case[] = [
  ...['/api/main/chats', `/api/main/chats/${CHAT}/messages`, '/api/main/chats/overview', '/api/contacts/all?session=main', '/api/server/webhooks/deliveries'].flatMap((path): Case[] => {
    const join = path.includes('?') ? '&' : '?';
    return [
      { method: 'GET', path: `${path}${join}limit=1e309`, status: 400, says: /limit must be a safe integer/ },
      { method: 'GET', path: `${path}${join}limit=0x10`, status: 400, says: /limit must be a safe integer/ },
      ...(path.includes('deliveries') ? [] : [{ method: 'GET', path: `${path}${join}offset=${HUGE}`, status: 400, says: /offset must be a safe integer/ }]),
    ];
  }),
  { method: 'POST', path: '/api/main/chats/overview', body: `{"pagination":{"offset":${HUGE}}}`, status: 400, says: /pagination\.offset must be a finite number/ },
  { method: 'POST', path: '/api/main/chats/overview', body: '{"pagination":{"limit":1e309}}', status: 400, says: /pagination\.limit/ },
  { method: 'POST', path: '/api/main/chats/overview', body: { pagination: { offset: '0x10' } }, status: 400, says: /body\.pagination\.offset must be a safe integer/ },
  { method: 'POST', path: '/api/main/events', body: { chatId: CHAT, event: { name: 'launch', startTime: '1e309' } }, status: 400, says: /body\.event\.startTime must be a safe integer/ },
  { method: 'POST', path: '/api/main/events', body: `{"chatId":"${CHAT}","event":{"name":"launch","startTime":1e309}}`, status: 400, says: /body\.event\.startTime must be a finite number/ },
  { method: 'GET', path: `/api/main/chats/${CHAT}/messages?filter.timestamp.gte=1e20`, status: 400, says: /filter\.timestamp\.gte must be a safe integer/ },
  { method: 'GET', path: `/api/main/chats/${CHAT}/messages?filter.timestamp.lte=${HUGE}`, status: 400, says: /filter\.timestamp\.lte must be a safe integer/ },
  { method: 'GET', path: '/api/sessions/%00', status: 400, says: /must not contain NUL/ },
  { method: 'GET', path: '/api/contacts/all?session=%00', status: 400, says: /must not contain NUL/ },
  { method: 'GET', path: `/api/main/chats/${CHAT}/messages/true_${CHAT}_%00ABC`, status: 400, says: /params\.messageId must not contain NUL/ },
  { method: 'POST', path: '/api/sendText', body: { session: 'main', chatId: CHAT, text: 'a\u0000b' }, status: 400, says: /body\.text must not contain NUL/ },
  { method: 'PUT', path: `/api/main/groups/${NOT_MY_GROUP}/picture`, body: { file: { mimetype: 'image/png', data: PNG_1PX } }, status: 403, says: /not a participant/ },
  { method: 'DELETE', path: `/api/main/groups/${NOT_MY_GROUP}/picture`, status: 403, says: /not a participant/ },
  { method: 'GET', path: '/api/main/channels/nosuch/messages/preview', status: 404, says: /Channel 'nosuch' not found/ },
  { method: 'POST', path: '/api/contacts/block', body: { session: 'main', contactId: '12345' }, status: 404, says: /No WhatsApp account is known for '12345@c.us'/ },
  { method: 'PUT', path: '/api/main/profile/picture', body: { file: { mimetype: 'image/png', data: Buffer.from('these bytes are no image').toString('base64') } }, status: 422, says: /not an image/ },
  { method: 'PUT', path: '/api/reaction', body: { session: 'main', messageId: '12345', reaction: '👍' }, status: 400, says: /not a full message id/ },
  { method: 'POST', path: '/api/sendImage', body: { session: 'main', chatId: CHAT, file: { mimetype: 'image/png', data: PNG_1PX }, caption: 'x'.repeat(65_537) }, status: 400, says: /caption must NOT have more than 65536/ },
  { method: 'POST', path: '/api/sendLocation', body: { session: 'main', chatId: CHAT, latitude: 1, longitude: 2, title: 'x'.repeat(5000) }, status: 400, says: /title must NOT have more than 4096/ },
  { method: 'PUT', path: `/api/main/chats/${CHAT}/messages/true_${CHAT}_ABC`, body: { text: 'x'.repeat(65_537) }, status: 400, says: /text must NOT have more than 65536/ },
  { method: 'POST', path: '/api/send/link-custom-preview', body: { session: 'main', chatId: CHAT, text: 'x'.repeat(65_537), preview: { url: 'https://example.com', title: 't' } }, status: 400, says: /text must NOT have more than 65536/ },
];

for (const backend of storeBackends()) {
  describe(`hostile input answers a JSON 4xx (${backend})`, () => {
    let sandbox: Sandbox;
    before(async () => {
      sandbox = await startSandbox(backend);
      await sandbox.linkSession('main', ME);
      await sandbox.admin('POST', '/accounts', { phone: PAL, pushName: 'Pal' });
      const sent = await sandbox.zapd.api('POST', '/api/sendText', { session: 'main', chatId: CHAT, text: 'a message to page through' });
      assert.equal(sent.status, 201, JSON.stringify(sent.body));
    });
    after(async () => {
      await sandbox.close();
    });

    test('every request of the list', async () => {
      for (const { method, path, body, status, says } of cases) {
        const response = await sandbox.zapd.api<{ statusCode: number; error: string; message: string }>(method, path, body);
        const label = `${method} ${path.slice(0, 90)}`;
        assert.equal(response.status, status, `${label}: ${JSON.stringify(response.body)}`);
        assert.equal(response.body.statusCode, status, label);
        assert.equal(typeof response.body.error, 'string', label);
        assert.match(response.body.message, says, label);
        assert.doesNotMatch(response.body.message, /node_modules|\.ts:\d|at \w+ \(/, `${label} leaks a stack or a path`);
      }
      const session = await sandbox.zapd.api<{ status: string }>('GET', '/api/sessions/main');
      assert.equal(session.body.status, 'WORKING');
      // The limits are about form, not size: a big but safe offset is an empty page, not an error.
      const far = await sandbox.zapd.api<unknown[]>('GET', `/api/main/chats/${CHAT}/messages?offset=${Number.MAX_SAFE_INTEGER}`);
      assert.equal(far.status, 200, JSON.stringify(far.body));
      assert.deepEqual(far.body, []);
      const page = await sandbox.zapd.api<unknown[]>('GET', `/api/main/chats/${CHAT}/messages?limit=10&offset=0`);
      assert.equal(page.body.length, 1);
    });
  });
}
