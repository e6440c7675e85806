// The session lifecycle through the HTTP API, with the real Baileys engine against the simulator.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startSandbox, storeBackends, TEST_API_KEY, type Sandbox } from './support/zapd.ts';
import { waitFor } from './support/wait.ts';

interface SessionBody {
  name: string;
  status: string;
  me: { id: string; pushName?: string } | null;
  timestamps: { activity: number | null };
}
interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
}

function assertErrorShape(body: unknown, statusCode: number): void {
  const error = body as ErrorBody;
  assert.equal(error.statusCode, statusCode);
  assert.equal(typeof error.error, 'string');
  assert.equal(typeof error.message, 'string');
  assert.ok(!JSON.stringify(body).includes('    at '), 'no stack trace in the error body');
}

for (const backend of storeBackends()) {
  describe(`sessions end to end (${backend})`, () => {
    let sandbox: Sandbox;
    before(async () => {
      sandbox = await startSandbox(backend);
    });
    after(async () => {
      await sandbox.close();
    });

    test('create → QR in three formats → scan → WORKING → me', async () => {
      const { zapd, simulator } = sandbox;
      const created = await zapd.api<SessionBody>('POST', '/api/sessions', { name: 'alpha', config: { metadata: { team: 'qa' } } });
      assert.equal(created.status, 201);
      assert.equal(created.body.name, 'alpha');
      await sandbox.waitForStatus('alpha', 'SCAN_QR_CODE');

      const png = await zapd.api<Buffer>('GET', '/api/alpha/auth/qr', undefined, { accept: 'image/png' });
      assert.equal(png.status, 200);
      assert.equal(png.headers.get('content-type'), 'image/png');
      assert.deepEqual([...png.body.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);

      const base64 = await zapd.api<{ mimetype: string; data: string }>('GET', '/api/alpha/auth/qr', undefined, { accept: 'application/json' });
      assert.equal(base64.body.mimetype, 'image/png');
      assert.deepEqual([...Buffer.from(base64.body.data, 'base64').subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);

      const raw = await zapd.api<{ value: string }>('GET', '/api/alpha/auth/qr?format=raw');
      assert.match(raw.body.value, /^[^,]+,[^,]+,[^,]+,[^,]+/);

      const scanned = await simulator.scan(raw.body.value, '15550001111');
      assert.equal(scanned.phone, '15550001111');
      await sandbox.waitForStatus('alpha', 'WORKING');

      const me = await zapd.api<{ id: string }>('GET', '/api/sessions/alpha/me');
      assert.equal(me.status, 200);
      assert.equal(me.body.id, '15550001111@c.us');
      const info = await zapd.api<SessionBody & { config: { metadata: { team: string } } }>('GET', '/api/sessions/alpha');
      assert.equal(info.body.config.metadata.team, 'qa');
      assert.equal(info.body.me?.id, '15550001111@c.us');
    });

    test('a restarted zapd process brings the session back to WORKING without a scan', async () => {
      await sandbox.zapd.stopServer();
      await sandbox.zapd.restartServer();
      await sandbox.waitForStatus('alpha', 'WORKING');
      const me = await sandbox.zapd.api<{ id: string }>('GET', '/api/sessions/alpha/me');
      assert.equal(me.body.id, '15550001111@c.us');
    });

    test('stop, start and restart', async () => {
      const { zapd } = sandbox;
      const stopped = await zapd.api<SessionBody>('POST', '/api/sessions/alpha/stop');
      assert.equal(stopped.status, 201);
      assert.equal(stopped.body.status, 'STOPPED');
      const running = await zapd.api<SessionBody[]>('GET', '/api/sessions');
      assert.ok(!running.body.some((session) => session.name === 'alpha'), 'STOPPED sessions are hidden without all=true');
      const all = await zapd.api<SessionBody[]>('GET', '/api/sessions?all=true');
      assert.equal(all.body.find((session) => session.name === 'alpha')?.status, 'STOPPED');

      assert.equal((await zapd.api('POST', '/api/sessions/alpha/start')).status, 201);
      await sandbox.waitForStatus('alpha', 'WORKING');
      assert.equal((await zapd.api('POST', '/api/sessions/alpha/restart')).status, 201);
      await sandbox.waitForStatus('alpha', 'WORKING');
    });

    test('the simulator drops the connection and the session reconnects by itself', async () => {
      const { zapd, simulator } = sandbox;
      const before = await zapd.api<SessionBody>('GET', '/api/sessions/alpha');
      const dropped = simulator.dropConnections('15550001111');
      assert.ok(dropped >= 1, 'the simulator closed at least one connection');
      await waitFor('a reconnection', async () => {
        const now = await zapd.api<SessionBody>('GET', '/api/sessions/alpha');
        return now.body.status === 'WORKING' && (now.body.timestamps.activity ?? 0) > (before.body.timestamps.activity ?? 0);
      }, 20_000);
    });

    test('pairing-code login reaches WORKING', async () => {
      const { zapd, simulator } = sandbox;
      assert.equal((await zapd.api('POST', '/api/sessions', { name: 'paired' })).status, 201);
      await sandbox.waitForStatus('paired', 'SCAN_QR_CODE');
      const requested = await zapd.api<{ code: string }>('POST', '/api/paired/auth/request-code', { phoneNumber: '+1 555 000 2222' });
      assert.equal(requested.status, 201);
      assert.match(requested.body.code, /^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
      const linked = await fetch(`${simulator.httpUrl}/admin/link-code`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ phone: '15550002222', code: requested.body.code.replace('-', '') }),
      });
      assert.equal(linked.status, 200, await linked.clone().text());
      await sandbox.waitForStatus('paired', 'WORKING');
      const me = await zapd.api<{ id: string }>('GET', '/api/sessions/paired/me');
      assert.equal(me.body.id, '15550002222@c.us');
    });

    test('logout forgets the account and shows a new QR; delete removes the session', async () => {
      const { zapd } = sandbox;
      const loggedOut = await zapd.api<SessionBody>('POST', '/api/sessions/paired/logout');
      assert.equal(loggedOut.status, 201);
      await sandbox.waitForStatus('paired', 'SCAN_QR_CODE');
      assert.equal((await zapd.api('GET', '/api/sessions/paired/me')).body, null);

      assert.equal((await zapd.api('DELETE', '/api/sessions/paired')).status, 200);
      const gone = await zapd.api('GET', '/api/sessions/paired');
      assert.equal(gone.status, 404);
      assertErrorShape(gone.body, 404);
      const all = await zapd.api<SessionBody[]>('GET', '/api/sessions?all=true');
      assert.ok(!all.body.some((session) => session.name === 'paired'));

      // Same name again: nothing of the old account survived, so it needs a new link.
      assert.equal((await zapd.api('POST', '/api/sessions', { name: 'paired' })).status, 201);
      await sandbox.waitForStatus('paired', 'SCAN_QR_CODE');
      assert.equal((await zapd.api('GET', '/api/sessions/paired/me')).body, null);
      await zapd.api('DELETE', '/api/sessions/paired');
    });

    test('deprecated start/stop/logout by body still work', async () => {
      const { zapd } = sandbox;
      const started = await zapd.api<SessionBody>('POST', '/api/sessions/start', { name: 'legacy' });
      assert.equal(started.status, 201, JSON.stringify(started.body));
      await sandbox.waitForStatus('legacy', 'SCAN_QR_CODE');
      const again = await zapd.api('POST', '/api/sessions/start', { name: 'legacy' });
      assert.equal(again.status, 422, 'starting a running session is refused, as in WAHA');
      assert.equal((await zapd.api('POST', '/api/sessions/stop', { name: 'legacy' })).status, 201);
      assert.equal((await zapd.api<SessionBody>('GET', '/api/sessions/legacy')).body.status, 'STOPPED');
      assert.equal((await zapd.api('POST', '/api/sessions/logout', { name: 'legacy' })).status, 201);
      assert.equal((await zapd.api('GET', '/api/sessions/legacy')).status, 404);
    });

    test('logged out from the phone → FAILED, credentials forgotten', async () => {
      const { zapd, simulator } = sandbox;
      await sandbox.linkSession('victim', '15550002333');
      const unlinked = await fetch(`${simulator.httpUrl}/admin/unlink`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ phone: '15550002333' }) });
      assert.equal(unlinked.status, 200);
      await sandbox.waitForStatus('victim', 'FAILED');
      // Restarting cannot log in again with the old credentials: a new QR is needed.
      assert.equal((await zapd.api('POST', '/api/sessions/victim/restart')).status, 201);
      await sandbox.waitForStatus('victim', 'SCAN_QR_CODE');
      await zapd.api('DELETE', '/api/sessions/victim');
    });

    test('bad requests get JSON errors and nothing crashes', async () => {
      const { zapd } = sandbox;
      for (const [method, path] of [
        ['GET', '/api/sessions'],
        ['POST', '/api/sessions'],
        ['GET', '/api/sessions/alpha'],
        ['POST', '/api/sessions/alpha/stop'],
        ['GET', '/api/alpha/auth/qr'],
      ] as const) {
        const missing = await fetch(`${zapd.url}${path}`, { method });
        assert.equal(missing.status, 401, `${method} ${path} without a key`);
        assertErrorShape(await missing.json(), 401);
        for (const header of ['x-api-key', 'apikey']) {
          const wrong = await fetch(`${zapd.url}${path}`, { method, headers: { [header]: 'wrong' } });
          assert.equal(wrong.status, 401, `${method} ${path} with a wrong ${header}`);
        }
      }
      const wappfyHeader = await fetch(`${zapd.url}/api/sessions`, { headers: { apikey: TEST_API_KEY } });
      assert.equal(wappfyHeader.status, 200);

      const malformed = await zapd.api('POST', '/api/sessions', '{"name": ');
      assert.equal(malformed.status, 400);
      assertErrorShape(malformed.body, 400);
      const badName = await zapd.api('POST', '/api/sessions', { name: 'no spaces allowed' });
      assert.equal(badName.status, 400);
      assertErrorShape(badName.body, 400);
      const badConfig = await zapd.api('POST', '/api/sessions', { name: 'x', config: { webhooks: [{ url: 'not a url', events: ['message'] }] } });
      assert.equal(badConfig.status, 400);
      const duplicate = await zapd.api('POST', '/api/sessions', { name: 'alpha' });
      assert.equal(duplicate.status, 422);
      assertErrorShape(duplicate.body, 422);

      for (const [method, path] of [
        ['GET', '/api/sessions/nobody'],
        ['POST', '/api/sessions/nobody/start'],
        ['GET', '/api/sessions/nobody/me'],
        ['GET', '/api/nobody/auth/qr'],
      ] as const) {
        const unknown = await zapd.api(method, path);
        assert.equal(unknown.status, 404, `${method} ${path}`);
        assertErrorShape(unknown.body, 404);
      }
      const notScanning = await zapd.api('GET', '/api/alpha/auth/qr');
      assert.equal(notScanning.status, 422);
      const badPhone = await zapd.api('POST', '/api/alpha/auth/request-code', { phoneNumber: 'call me' });
      assert.equal(badPhone.status, 400);

      await sandbox.waitForStatus('alpha', 'WORKING');
    });
  });
}
