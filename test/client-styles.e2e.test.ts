// Requests exactly as real WAHA clients send them: n8n's WAHA node (always `Accept` and
// `Content-Type: application/json`, no body when it has none), axios-based SDKs (body-less POSTs as
// `application/x-www-form-urlencoded`) and a python `requests` bot (`json=` and `data=` bodies).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { waitFor } from './support/wait.ts';
import { startSandbox, TEST_API_KEY, type Sandbox } from './support/zapd.ts';

const ME = '15550008080';
const ALICE = '15550008081';
const ALICE_CHAT = `${ALICE}@c.us`;

describe('real clients, real request styles', () => {
  let sandbox: Sandbox;
  before(async () => {
    sandbox = await startSandbox();
    await sandbox.admin('POST', '/accounts', { phone: ALICE, pushName: 'Alice' });
    await sandbox.linkSession('default', ME);
  });
  after(async () => {
    await sandbox.close();
  });

  const n8n = (method: string, path: string, body?: unknown) =>
    fetch(`${sandbox.zapd.url}${path}`, {
      method,
      headers: { accept: 'application/json', 'content-type': 'application/json', 'x-api-key': TEST_API_KEY },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const axiosBodyless = (method: string, path: string) =>
    fetch(`${sandbox.zapd.url}${path}`, {
      method,
      headers: { accept: 'application/json, text/plain, */*', 'content-type': 'application/x-www-form-urlencoded', 'x-api-key': TEST_API_KEY, 'user-agent': 'axios/1.7.9' },
    });
  const requests = (method: string, path: string, init: { json?: unknown; data?: string }) =>
    fetch(`${sandbox.zapd.url}${path}`, {
      method,
      headers: {
        accept: '*/*',
        'user-agent': 'python-requests/2.32.3',
        'x-api-key': TEST_API_KEY,
        'content-type': init.json === undefined ? 'application/x-www-form-urlencoded' : 'application/json',
      },
      body: init.json === undefined ? (init.data ?? '') : JSON.stringify(init.json),
    });
  const expectOk = async (response: Response, what: string) => {
    const text = await response.text();
    assert.ok(response.status >= 200 && response.status < 300, `${what}: ${response.status} ${text}`);
    return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  };

  test("n8n: JSON content type with an empty body is an empty object", async () => {
    const sent = await expectOk(await n8n('POST', '/api/sendText', { session: 'default', chatId: ALICE_CHAT, text: 'from n8n' }), 'sendText');
    const messageId = String((sent as { id?: unknown }).id);
    await expectOk(await n8n('POST', `/api/default/chats/${ALICE_CHAT}/archive`), 'archive');
    await expectOk(await n8n('POST', `/api/default/chats/${ALICE_CHAT}/unarchive`), 'unarchive');
    await expectOk(await n8n('POST', `/api/default/presence/${ALICE_CHAT}/subscribe`), 'presence subscribe');
    await expectOk(await n8n('DELETE', `/api/default/chats/${ALICE_CHAT}/messages/${messageId}`), 'delete message');
    await expectOk(await n8n('POST', '/api/sessions/default/stop'), 'stop');
    await sandbox.waitForStatus('default', 'STOPPED');
    await expectOk(await n8n('POST', '/api/sessions/default/start'), 'start');
    await sandbox.waitForStatus('default', 'WORKING');
    await expectOk(await n8n('POST', '/api/sessions/default/restart'), 'restart');
    await sandbox.waitForStatus('default', 'WORKING');
  });

  test('axios: body-less POSTs sent as urlencoded', async () => {
    await expectOk(await axiosBodyless('POST', `/api/default/chats/${ALICE_CHAT}/archive`), 'archive');
    await expectOk(await axiosBodyless('POST', `/api/default/chats/${ALICE_CHAT}/unarchive`), 'unarchive');
    await expectOk(await axiosBodyless('POST', '/api/sessions/default/restart'), 'restart');
    await sandbox.waitForStatus('default', 'WORKING');
  });

  test('python requests: json= and data= bodies', async () => {
    await expectOk(await requests('POST', '/api/sendText', { json: { session: 'default', chatId: ALICE_CHAT, text: 'from requests json' } }), 'sendText json');
    const form = new URLSearchParams({ session: 'default', chatId: ALICE, text: 'from requests form' }).toString();
    await expectOk(await requests('POST', '/api/sendText', { data: form }), 'sendText form');
    const nested = 'session=default&chatId=' + ALICE + '&file[mimetype]=text/plain&file[filename]=a.txt&file[data]=' + encodeURIComponent(Buffer.from('hello').toString('base64'));
    await expectOk(await requests('POST', '/api/sendFile', { data: nested }), 'sendFile with a nested form body');
    await waitFor('alice to get all three', async () => {
      const received = await sandbox.admin<Array<{ text?: string; type: string }>>('GET', `/accounts/${ALICE}/messages`);
      const texts = received.map((message) => message.text);
      return texts.includes('from requests json') && texts.includes('from requests form') && received.some((message) => message.type === 'documentMessage');
    });
  });

  test('boolean query values as 1, 0, True and False', async () => {
    for (const value of ['1', '0', 'True', 'False', 'true', 'FALSE']) {
      await expectOk(await n8n('GET', `/api/sessions?all=${value}`), `sessions?all=${value}`);
      await expectOk(await n8n('GET', `/api/default/chats/${ALICE_CHAT}/messages?limit=5&downloadMedia=${value}`), `messages?downloadMedia=${value}`);
    }
    const refused = await n8n('GET', '/api/sessions?all=maybe');
    assert.equal(refused.status, 400);
  });

  test('trailing slashes are served as the path without them', async () => {
    const listed = await n8n('GET', '/api/sessions/');
    assert.equal(listed.status, 200);
    await expectOk(await n8n('GET', '/api/sessions/default/'), 'session with a trailing slash');
    const unauthenticated = await fetch(`${sandbox.zapd.url}/api/sessions/`);
    assert.equal(unauthenticated.status, 401);
  });

  test('hostile form bodies are refused, not merged into prototypes', async () => {
    for (const body of ['__proto__[polluted]=1', 'a[b][c][d][e][f][g]=1', 'constructor[prototype][x]=1']) {
      const answer = await requests('POST', '/api/sendText', { data: `session=default&chatId=${ALICE}&text=x&${body}` });
      assert.equal(answer.status, 400, body);
      const error = (await answer.json()) as { statusCode: number; message: string };
      assert.equal(error.statusCode, 400);
    }
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    const broken = await n8n('POST', '/api/sendText', undefined);
    assert.equal(broken.status, 400, 'an empty body still needs the required fields');
  });
});
