// WAHA's Keys API end to end: admin, session, media and control keys made through /api/keys, and
// what each may do — its session only (named in the path, the query or the body, in either
// dialect), its scopes only, nothing server-wide — over HTTP and the WebSocket.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import { rawRequest } from './support/raw-http.ts';
import { waitFor } from './support/wait.ts';
import { startSandbox, storeBackends, type Sandbox } from './support/zapd.ts';

const ALPHA = '15550111000';
const BETA = '15550111001';
const EVE = '15550111002';
const EVE_CHAT = `${EVE}@c.us`;

interface KeyDto {
  id: string;
  key: string;
  isActive: boolean;
  isAdmin: boolean;
  session: string | null;
  actions: Record<string, boolean> | null;
  purpose?: string;
}
interface ErrorDto {
  statusCode: number;
  error: string;
  message: string;
}

for (const backend of storeBackends()) {
  describe(`API keys (${backend})`, () => {
    let sandbox: Sandbox;
    const as = (key: string) => ({ 'x-api-key': key });
    const call = <T = unknown>(key: string, method: string, path: string, body?: unknown) => sandbox.zapd.api<T>(method, path, body, as(key));
    const createKey = async (request: Record<string, unknown>): Promise<KeyDto> => {
      const created = await sandbox.zapd.api<KeyDto>('POST', '/api/keys', request);
      assert.equal(created.status, 201, JSON.stringify(created.body));
      return created.body;
    };
    const assertForbidden = async (key: string, method: string, path: string, body: unknown, why: RegExp) => {
      const answer = await call<ErrorDto>(key, method, path, body);
      assert.equal(answer.status, 403, `${method} ${path} ${JSON.stringify(body)} → ${answer.status} ${JSON.stringify(answer.body)}`);
      assert.equal(answer.body.statusCode, 403);
      assert.equal(answer.body.error, 'Forbidden');
      assert.match(answer.body.message, why);
    };
    const assertAllowed = async (key: string, method: string, path: string, body?: unknown, status = 200) => {
      const answer = await call(key, method, path, body);
      assert.equal(answer.status, status, `${method} ${path} ${JSON.stringify(body)} → ${answer.status} ${JSON.stringify(answer.body)}`);
      return answer;
    };

    before(async () => {
      sandbox = await startSandbox(backend);
      await sandbox.admin('POST', '/accounts', { phone: EVE, pushName: 'Eve' });
      await sandbox.linkSession('alpha', ALPHA);
      await sandbox.linkSession('beta', BETA);
    });
    after(async () => {
      await sandbox.close();
    });

    test('create, list, update and delete keys; a revoked key gets 401', async () => {
      const created = await createKey({ session: 'alpha' });
      assert.match(created.id, /^key_id_[0-9a-f]{26}$/);
      assert.match(created.key, /^key_[A-Za-z0-9_-]{32}$/);
      assert.deepEqual({ ...created, id: '', key: '' }, { id: '', key: '', isActive: true, isAdmin: false, session: 'alpha', actions: null });
      assert.equal((await call(created.key, 'GET', '/api/sessions/alpha')).status, 200);

      const listed = await sandbox.zapd.api<KeyDto[]>('GET', '/api/keys');
      assert.equal(listed.status, 200);
      const entry = listed.body.find((key) => key.id === created.id);
      assert.ok(entry, 'the new key is listed');
      assert.notEqual(entry.key, created.key, 'a listing never shows the key again');
      assert.ok(created.key.startsWith(entry.key.replace('…', '')), 'it shows a hint of it');
      assert.ok(!JSON.stringify(listed.body).includes(created.key.slice(8)));

      const deactivated = await sandbox.zapd.api<KeyDto>('PUT', `/api/keys/${created.id}`, { isAdmin: false, session: 'alpha', isActive: false, actions: { send: false } });
      assert.equal(deactivated.status, 200, JSON.stringify(deactivated.body));
      assert.deepEqual([deactivated.body.isActive, deactivated.body.actions], [false, { send: false }]);
      assert.equal((await call(created.key, 'GET', '/api/sessions/alpha')).status, 401);
      await sandbox.zapd.api('PUT', `/api/keys/${created.id}`, { isAdmin: false, session: 'alpha', isActive: true, actions: { send: false } });
      assert.equal((await call(created.key, 'GET', '/api/sessions/alpha')).status, 200);
      await assertForbidden(created.key, 'POST', '/api/sendText', { session: 'alpha', chatId: EVE_CHAT, text: 'no' }, /lacks the 'send' scope/);

      const removed = await sandbox.zapd.api('DELETE', `/api/keys/${created.id}`);
      assert.deepEqual([removed.status, removed.body], [200, { result: true }]);
      const revoked = await call<ErrorDto>(created.key, 'GET', '/api/sessions/alpha');
      assert.deepEqual([revoked.status, revoked.body.message], [401, 'Invalid API key']);
      assert.equal((await sandbox.zapd.api('DELETE', `/api/keys/${created.id}`)).status, 404);
      assert.equal((await sandbox.zapd.api('PUT', `/api/keys/${created.id}`, { session: 'alpha' })).status, 404);

      const admin = await createKey({ isAdmin: true });
      assert.deepEqual([admin.isAdmin, admin.session], [true, null]);
      assert.equal((await call(admin.key, 'GET', '/api/keys')).status, 200, 'an admin key manages keys');
      assert.equal((await call(admin.key, 'GET', '/api/sessions/beta')).status, 200, 'and sees every session');
      await sandbox.zapd.api('DELETE', `/api/keys/${admin.id}`);
    });

    test('bad key requests are JSON 4xx', async () => {
      for (const [body, status] of [
        [{ isAdmin: true, session: 'alpha' }, 422],
        [{}, 422],
        [{ session: 'ghost' }, 422],
        [{ isAdmin: true, actions: { read: true } }, 422],
        [{ session: 'alpha', actions: { deleet: true } }, 400],
        [{ session: '../x' }, 400],
      ] as const) {
        const answer = await sandbox.zapd.api<ErrorDto>('POST', '/api/keys', body);
        assert.equal(answer.status, status, `${JSON.stringify(body)} → ${answer.status} ${JSON.stringify(answer.body)}`);
        assert.equal(typeof answer.body.message, 'string');
      }
    });

    test('a session key works on its own session and gets 403 on another, by path, query and body, in both dialects', async () => {
      const { key } = await createKey({ session: 'alpha' });
      const sessions = await assertAllowed(key, 'GET', '/api/sessions?all=true');
      assert.deepEqual((sessions.body as Array<{ name: string }>).map((session) => session.name), ['alpha'], 'other sessions are filtered out');
      const all = await sandbox.zapd.api<Array<{ name: string }>>('GET', '/api/sessions?all=true');
      assert.deepEqual(all.body.map((session) => session.name).sort(), ['alpha', 'beta']);

      // Path.
      await assertAllowed(key, 'GET', '/api/sessions/alpha');
      await assertAllowed(key, 'GET', '/api/alpha/chats');
      await assertForbidden(key, 'GET', '/api/sessions/beta', undefined, /bound to session 'alpha'.*'beta'/);
      await assertForbidden(key, 'GET', '/api/beta/chats', undefined, /bound to session 'alpha'/);
      await assertForbidden(key, 'POST', '/api/sessions/beta/restart', undefined, /bound to session 'alpha'/);
      // Query, WAHA's and Wappfy's names.
      await assertAllowed(key, 'GET', '/api/contacts/all?session=alpha');
      await assertForbidden(key, 'GET', '/api/contacts/all?session=beta', undefined, /bound to session 'alpha'/);
      await assertForbidden(key, 'GET', '/api/contacts/all?sessionId=beta', undefined, /bound to session 'alpha'/);
      await assertForbidden(key, 'GET', '/api/contacts/all', undefined, /cannot act on 'default'/);
      // Body, WAHA's and Wappfy's names.
      await assertAllowed(key, 'POST', '/api/sendText', { session: 'alpha', chatId: EVE_CHAT, text: 'from alpha' }, 201);
      await assertAllowed(key, 'POST', '/api/sendText', { sessionId: 'alpha', jid: `${EVE}@s.whatsapp.net`, text: 'from alpha, Wappfy' }, 201);
      await assertForbidden(key, 'POST', '/api/sendText', { session: 'beta', chatId: EVE_CHAT, text: 'as beta' }, /bound to session 'alpha'/);
      await assertForbidden(key, 'POST', '/api/sendText', { sessionId: 'beta', jid: EVE_CHAT, text: 'as beta, Wappfy' }, /bound to session 'alpha'/);
      await assertForbidden(key, 'POST', '/api/sendText', { chatId: EVE_CHAT, text: 'as default' }, /cannot act on 'default'/);
      await assertForbidden(key, 'POST', '/api/contacts/block', { sessionId: 'beta', jid: EVE_CHAT }, /bound to session 'alpha'/);
      // A body and a query that disagree are refused, whichever one the handler would read.
      await assertForbidden(key, 'POST', '/api/sendText?session=beta', { session: 'alpha', chatId: EVE_CHAT, text: 'mixed' }, /bound to session 'alpha'/);
      await assertForbidden(key, 'POST', '/api/sessions/start', { name: 'beta' }, /bound to session 'alpha'/);
      const received = await waitFor('eve to receive alpha’s messages', async () => {
        const messages = await sandbox.admin<Array<{ text?: string }>>('GET', `/accounts/${EVE}/messages`);
        const texts = messages.map((message) => message.text);
        return texts.includes('from alpha') && texts.includes('from alpha, Wappfy') && texts;
      });
      assert.ok(!received.some((text) => text?.startsWith('as ') || text === 'mixed'), `no refused message went out: ${received.join(', ')}`);
    });

    test('a session key cannot use server-wide routes', async () => {
      const { key } = await createKey({ session: 'alpha', actions: { delete: true } });
      for (const [method, path, body] of [
        ['POST', '/api/server/stop', {}],
        ['GET', '/api/server/status', undefined],
        ['GET', '/api/server/environment?all=true', undefined],
        ['GET', '/api/server/webhooks/deliveries', undefined],
        ['GET', '/api/keys', undefined],
        ['POST', '/api/keys', { isAdmin: true }],
        ['POST', '/api/sessions', { name: 'alpha2' }],
        ['GET', '/metrics', undefined],
      ] as const) {
        await assertForbidden(key, method, path, body, /server-wide: it needs an admin key/);
      }
      await assertAllowed(key, 'GET', '/api/server/version');
      assert.equal((await sandbox.zapd.api('GET', '/api/sessions/alpha2')).status, 404, 'no session was created');
    });

    test('each scope is refused when off; delete is off by default', async () => {
      const denied = async (scope: string, method: string, path: string, body?: unknown) => {
        const { key } = await createKey({ session: 'alpha', actions: { [scope]: false } });
        await assertForbidden(key, method, path, body, new RegExp(`lacks the '${scope}' scope`));
      };
      await denied('read', 'GET', '/api/alpha/chats');
      await denied('read', 'GET', `/api/alpha/chats/${EVE_CHAT}/messages`);
      await denied('read', 'GET', '/api/messages?session=alpha&chatId=' + EVE_CHAT);
      await denied('read', 'POST', '/api/alpha/chats/overview', {});
      await denied('send', 'POST', '/api/sendText', { session: 'alpha', chatId: EVE_CHAT, text: 'x' });
      await denied('send', 'GET', `/api/sendText?session=alpha&phone=${EVE}&text=x`);
      await denied('send', 'PUT', '/api/reaction', { session: 'alpha', messageId: `true_${EVE_CHAT}_X`, reaction: '👍' });
      await denied('send', 'POST', '/api/startTyping', { session: 'alpha', chatId: EVE_CHAT });
      await denied('send', 'POST', '/api/alpha/presence', { presence: 'online' });
      await denied('send', 'POST', '/api/alpha/groups', { name: 'g', participants: [] });
      await denied('control', 'POST', '/api/sessions/alpha/stop');
      await denied('control', 'POST', '/api/sessions/alpha/restart');
      await denied('control', 'GET', '/api/alpha/auth/qr');
      await denied('setting', 'PUT', '/api/sessions/alpha', { config: {} });
      await denied('setting', 'PUT', '/api/alpha/profile/name', { name: 'x' });
      await denied('setting', 'POST', '/api/sessions/start', { name: 'alpha', config: {} });

      const { key } = await createKey({ session: 'alpha' });
      for (const [method, path, body] of [
        ['DELETE', '/api/sessions/alpha', undefined],
        ['DELETE', `/api/alpha/chats/${EVE_CHAT}`, undefined],
        ['DELETE', `/api/alpha/chats/${EVE_CHAT}/messages`, undefined],
        ['DELETE', `/api/alpha/chats/${EVE_CHAT}/messages/true_${EVE_CHAT}_X`, undefined],
        ['DELETE', '/api/files/alpha/nothing.png', undefined],
        ['POST', '/api/sessions/logout', { name: 'alpha' }],
        ['POST', '/api/sessions/stop', { name: 'alpha', logout: true }],
      ] as const) {
        await assertForbidden(key, method, path, body, /lacks the 'delete' scope/);
      }
      const { key: deleter } = await createKey({ session: 'alpha', actions: { delete: true } });
      await assertAllowed(deleter, 'DELETE', '/api/files/alpha/nothing.png', undefined, 404);
      assert.equal((await sandbox.zapd.api<{ status: string }>('GET', '/api/sessions/alpha')).body.status, 'WORKING', 'nothing refused ran');
    });

    test('a media key downloads files of its session and nothing else; a control key only controls', async () => {
      const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex');
      await sandbox.admin('POST', `/accounts/${EVE}/send`, { to: ALPHA, image: { data: png.toString('base64'), mimetype: 'image/png' } });
      const url = await waitFor('the image to be stored', async () => {
        const messages = await sandbox.zapd.api<Array<{ media?: { url?: string } | null }>>('GET', `/api/alpha/chats/${EVE_CHAT}/messages?limit=20&downloadMedia=true`);
        return messages.body.find((message) => message.media?.url)?.media?.url;
      });
      const path = new URL(url).pathname;

      const media = await sandbox.zapd.api<KeyDto>('POST', '/api/keys/media', { session: 'alpha' });
      assert.equal(media.status, 201, JSON.stringify(media.body));
      assert.deepEqual([media.body.purpose, media.body.session, media.body.isAdmin], ['media', 'alpha', false]);
      const again = await sandbox.zapd.api<KeyDto>('POST', '/api/keys/media', { session: 'alpha' });
      assert.deepEqual([again.body.id, again.body.key], [media.body.id, media.body.key], 'create or get: the same key');
      const sessionKey = await createKey({ session: 'alpha' });
      const viaSessionKey = await call<KeyDto>(sessionKey.key, 'POST', '/api/keys/media', { session: 'alpha' });
      assert.deepEqual([viaSessionKey.status, viaSessionKey.body.key], [201, media.body.key], 'a key that reads alpha may fetch its media key');
      await assertForbidden(sessionKey.key, 'POST', '/api/keys/media', { session: 'beta' }, /bound to session 'alpha'/);

      const file = await fetch(`${sandbox.zapd.url}${path}`, { headers: as(media.body.key) });
      assert.equal(file.status, 200);
      assert.deepEqual(Buffer.from(await file.arrayBuffer()), png);
      const inQuery = await fetch(`${sandbox.zapd.url}${path}?x-api-key=${media.body.key}`);
      assert.equal(inQuery.status, 200, 'as a query parameter too, for links');
      await assertForbidden(media.body.key, 'GET', '/api/sessions', undefined, /media key can only download files/);
      await assertForbidden(media.body.key, 'GET', '/api/sessions/alpha', undefined, /media key can only download files/);
      await assertForbidden(media.body.key, 'GET', '/api/alpha/chats', undefined, /media key can only download files/);
      await assertForbidden(media.body.key, 'DELETE', path, undefined, /media key can only download files/);
      await assertForbidden(media.body.key, 'GET', '/api/files/beta/x.png', undefined, /bound to session 'alpha'/);

      const control = await sandbox.zapd.api<KeyDto>('POST', '/api/keys/control', { session: 'alpha' });
      assert.equal(control.status, 201);
      assert.deepEqual([control.body.purpose, control.body.actions], ['control', { read: false, send: false, control: true, setting: false, app: false, delete: false }]);
      await assertForbidden(control.body.key, 'GET', '/api/alpha/chats', undefined, /lacks the 'read' scope/);
      await assertForbidden(control.body.key, 'POST', '/api/sendText', { session: 'alpha', chatId: EVE_CHAT, text: 'x' }, /lacks the 'send' scope/);
      await assertAllowed(control.body.key, 'GET', '/api/sessions/alpha');
      const updated = await sandbox.zapd.api<ErrorDto>('PUT', `/api/keys/${control.body.id}`, { session: 'alpha', actions: { send: true } });
      assert.equal(updated.status, 422, 'a control key keeps its scope');

      // Deactivated, it is replaced by a new key, never revived.
      await sandbox.zapd.api('PUT', `/api/keys/${media.body.id}`, { session: 'alpha', isActive: false });
      assert.equal((await fetch(`${sandbox.zapd.url}${path}`, { headers: as(media.body.key) })).status, 401);
      const replaced = await sandbox.zapd.api<KeyDto>('POST', '/api/keys/media', { session: 'alpha' });
      assert.notEqual(replaced.body.key, media.body.key);
      assert.equal((await fetch(`${sandbox.zapd.url}${path}`, { headers: as(replaced.body.key) })).status, 200);
      assert.equal((await fetch(`${sandbox.zapd.url}${path}`, { headers: as(media.body.key) })).status, 401);
    });

    test('the WebSocket streams a session key its own session only', async () => {
      const { key } = await createKey({ session: 'alpha' });
      const port = Number(new URL(sandbox.zapd.url).port);
      const upgrade = { Upgrade: 'websocket', Connection: 'Upgrade', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==' };
      const refused = await rawRequest(port, 'GET', `/ws?session=beta&x-api-key=${key}`, upgrade);
      assert.equal(refused.status, 403);
      assert.match(refused.body, /bound to session 'alpha'/);

      const frames: Array<{ session: string; event: string; payload: { body?: string } }> = [];
      const socket = new WebSocket(`${sandbox.zapd.url.replace('http', 'ws')}/ws?session=*&events=message&x-api-key=${key}`);
      socket.on('message', (data) => frames.push(JSON.parse(String(data)) as (typeof frames)[number]));
      await new Promise((resolve, reject) => {
        socket.once('open', resolve);
        socket.once('error', reject);
      });
      try {
        await sandbox.admin('POST', `/accounts/${EVE}/send`, { to: BETA, text: 'to beta' });
        await sandbox.admin('POST', `/accounts/${EVE}/send`, { to: ALPHA, text: 'to alpha' });
        await waitFor('alpha’s message on the socket', () => frames.some((frame) => frame.payload.body === 'to alpha'));
        // beta's message was sent first; give it the same time again to show it is not on its way.
        await new Promise((resolve) => setTimeout(resolve, 300));
        assert.deepEqual([...new Set(frames.map((frame) => frame.session))], ['alpha']);
      } finally {
        socket.close();
      }
    });
  });
}
