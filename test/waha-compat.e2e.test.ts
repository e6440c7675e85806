// Behaviour closed while holding zapd against WAHA 2026.7.2 (see conformance.e2e.test.ts): the
// operations it lacked that wrap what zapd already does, and the answers WAHA clients rely on.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startSandbox, type Sandbox } from './support/zapd.ts';
import { waitFor } from './support/wait.ts';
import { toneWav } from './support/audio.ts';

const ME = '15550004000';
const HANK = '15550004001';


describe('WAHA 2026.7.2 behaviour', () => {
  let sandbox: Sandbox;

  before(async () => {
    sandbox = await startSandbox();
    await sandbox.linkSession('main', ME);
    await sandbox.admin('POST', '/accounts', { phone: HANK, pushName: 'Hank' });
  });
  after(async () => {
    await sandbox?.close();
  });

  test('session names: dots and up to 54 characters, as WAHA; a leading dot or a 55th character is a 400', async () => {
    const { zapd } = sandbox;
    const dotted = await zapd.api<{ name: string }>('POST', '/api/sessions', { name: 'my.session', start: false });
    assert.equal(dotted.status, 201);
    assert.equal((await zapd.api<{ name: string }>('GET', '/api/sessions/my.session')).body.name, 'my.session');
    const longest = 'a'.repeat(54);
    assert.equal((await zapd.api('POST', '/api/sessions', { name: longest, start: false })).status, 201);
    for (const name of ['a'.repeat(55), '.hidden', '..', 'has space']) {
      const refused = await zapd.api<{ statusCode: number }>('POST', '/api/sessions', { name, start: false });
      assert.equal(refused.status, 400, name);
      assert.equal(refused.body.statusCode, 400);
    }
    assert.equal((await zapd.api('GET', '/api/sessions/..%2F..')).status, 400);
  });

  test('a webhook with `hmac: {}` is valid and signs nothing', async () => {
    const created = await sandbox.zapd.api<{ config: { webhooks: Array<{ hmac: unknown }> } }>('POST', '/api/sessions', {
      name: 'hooked',
      start: false,
      config: { webhooks: [{ url: 'http://127.0.0.1:9/hook', events: ['message'], hmac: {} }] },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.deepEqual(created.body.config.webhooks[0]?.hmac, {});
  });

  test('DELETE /api/sessions/{name} is idempotent', async () => {
    const { zapd } = sandbox;
    assert.equal((await zapd.api('POST', '/api/sessions', { name: 'short-lived', start: false })).status, 201);
    assert.equal((await zapd.api('DELETE', '/api/sessions/short-lived')).status, 200);
    assert.equal((await zapd.api('DELETE', '/api/sessions/short-lived')).status, 200);
    assert.equal((await zapd.api('DELETE', '/api/sessions/never-was')).status, 200);
    assert.equal((await zapd.api('GET', '/api/sessions/short-lived')).status, 404);
  });

  test('presence with chatId "" (or null) is the global presence', async () => {
    const { zapd } = sandbox;
    assert.equal((await zapd.api('POST', '/api/main/presence', { chatId: '', presence: 'online' })).status, 201);
    assert.equal((await zapd.api('POST', '/api/main/presence', { chatId: null, presence: 'offline' })).status, 201);
    assert.equal((await zapd.api('POST', '/api/main/presence', { chatId: '', presence: 'typing' })).status, 400);
  });

  test('GET /api/screenshot answers {mimetype, data} to Accept: application/json, a PNG otherwise', async () => {
    const { zapd } = sandbox;
    const json = await zapd.api<{ mimetype: string; data: string }>('GET', '/api/screenshot?session=main', undefined, { accept: 'application/json' });
    assert.equal(json.status, 200);
    assert.equal(json.body.mimetype, 'image/png');
    assert.deepEqual([...Buffer.from(json.body.data, 'base64').subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
    const png = await zapd.api<Buffer>('GET', '/api/screenshot?session=main');
    assert.equal(png.headers.get('content-type'), 'image/png');
    assert.deepEqual([...png.body.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
  });

  test('GET /api/{session}/new-message-id gives a fresh id each time', async () => {
    const first = await sandbox.zapd.api<{ id: string }>('GET', '/api/main/new-message-id');
    const second = await sandbox.zapd.api<{ id: string }>('GET', '/api/main/new-message-id');
    assert.equal(first.status, 200);
    assert.match(first.body.id, /^[0-9A-F]{8,}$/i);
    assert.notEqual(first.body.id, second.body.id);
  });

  test('GET /api/{session}/contacts/{id} answers the contact, even one never heard from', async () => {
    const contact = await sandbox.zapd.api<{ id: string; name: string | null }>('GET', `/api/main/contacts/${HANK}@s.whatsapp.net`);
    assert.equal(contact.status, 200);
    assert.equal(contact.body.id, `${HANK}@c.us`);
    assert.equal((await sandbox.zapd.api('GET', '/api/main/contacts/not-a-number')).status, 400);
  });

  test('GET /api/{session}/groups/{id}/participants/v2 gives each participant one role', async () => {
    const { zapd } = sandbox;
    const created = await zapd.api<{ id: string }>('POST', '/api/main/groups', { name: 'Roles', participants: [{ id: `${HANK}@c.us` }] });
    assert.equal(created.status, 201);
    const groupId = created.body.id;
    let participants: Array<{ id: string; pn?: string; role: string }> = [];
    await waitFor('both participants', async () => {
      participants = (await zapd.api<typeof participants>('GET', `/api/main/groups/${groupId}/participants/v2`)).body;
      return participants.length === 2;
    });
    const byId = new Map(participants.map((participant) => [participant.id, participant]));
    assert.deepEqual(byId.get(`${HANK}@c.us`), { id: `${HANK}@c.us`, pn: `${HANK}@c.us`, role: 'participant' });
    assert.equal(byId.get(`${ME}@c.us`)?.role, 'superadmin');
  });

  test('server facts carry the fields WAHA documents: /health details, version platform and worker, status worker', async () => {
    const { zapd } = sandbox;
    const health = await zapd.api<{ status: string; info: Record<string, unknown>; details: Record<string, unknown> }>('GET', '/health');
    assert.equal(health.body.status, 'ok');
    assert.deepEqual(health.body.details, health.body.info);
    const version = await zapd.api<{ platform: string; worker: { id: string | null } }>('GET', '/api/server/version');
    assert.equal(version.body.platform, `${process.platform}/${process.arch}`);
    assert.deepEqual(version.body.worker, { id: null });
    const status = await zapd.api<{ startTimestamp: number; uptime: number; worker: { id: string | null } }>('GET', '/api/server/status');
    assert.ok(status.body.uptime >= 0 && status.body.startTimestamp > 0);
    assert.deepEqual(status.body.worker, { id: null });
  });

  test('POST /api/{session}/media/convert/voice turns a WAV into OGG/Opus, as a file or base64', async () => {
    const { zapd } = sandbox;
    const data = toneWav(0.25).toString('base64');
    const file = await zapd.api<Buffer>('POST', '/api/main/media/convert/voice', { data });
    assert.equal(file.status, 201);
    assert.equal(file.headers.get('content-type'), 'audio/ogg; codecs=opus');
    assert.equal(file.body.subarray(0, 4).toString('latin1'), 'OggS');
    const json = await zapd.api<{ mimetype: string; data: string }>('POST', '/api/main/media/convert/voice', { data }, { accept: 'application/json' });
    assert.equal(json.status, 201);
    assert.equal(json.body.mimetype, 'audio/ogg; codecs=opus');
    assert.equal(Buffer.from(json.body.data, 'base64').subarray(0, 4).toString('latin1'), 'OggS');
    const garbage = await zapd.api<{ statusCode: number }>('POST', '/api/main/media/convert/video', { data: Buffer.from('not a video').toString('base64') });
    assert.equal(garbage.status, 422);
    assert.equal((await zapd.api('POST', '/api/main/media/convert/voice', {})).status, 400);
    assert.equal((await zapd.api('POST', '/api/nobody/media/convert/voice', { data })).status, 404);
  });
});
