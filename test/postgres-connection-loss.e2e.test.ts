// PostgreSQL connections go away (pg_terminate_backend, a failover, a restart). zapd must outlive
// that: requests in flight are answered 503 with Retry-After (or succeed), later ones reconnect,
// and no inbound message is lost. The backends terminated are exactly this zapd's: the sandbox's
// connection URL names them by application_name.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { startReceiver, type Receiver } from './support/receiver.ts';
import { waitFor } from './support/wait.ts';
import { startSandbox, type ApiResponse, type Sandbox } from './support/zapd.ts';

const ME = '15550007200';
const SENDER = '15550007201';

const base = process.env.ZAPD_TEST_DATABASE_URL;

describe('PostgreSQL connections lost under zapd', { skip: base ? false : 'needs ZAPD_TEST_DATABASE_URL' }, () => {
  let sandbox: Sandbox;
  let receiver: Receiver;
  let admin: pg.Client;

  /** Ends every backend of this zapd; resolves how many there were. */
  const terminateBackends = async (): Promise<number> => {
    const result = await admin.query<{ terminated: boolean }>('select pg_terminate_backend(pid) as terminated from pg_stat_activity where application_name = $1 and pid <> pg_backend_pid()', [sandbox.store.postgres?.schema]);
    return result.rows.filter((row) => row.terminated).length;
  };
  const assertAliveAnswer = (response: ApiResponse, what: string) => {
    if (response.status === 200) return;
    assert.equal(response.status, 503, `${what}: ${response.status} ${JSON.stringify(response.body)}`);
    assert.deepEqual(Object.keys(response.body as object).sort(), ['error', 'message', 'statusCode']);
    assert.equal((response.body as { statusCode: number }).statusCode, 503);
    assert.ok(Number(response.headers.get('retry-after')) > 0, 'a 503 says when to retry');
  };

  before(async () => {
    receiver = await startReceiver();
    sandbox = await startSandbox('postgres', { WHATSAPP_HOOK_URL: receiver.url, WHATSAPP_HOOK_EVENTS: 'message' });
    admin = new pg.Client({ connectionString: base, application_name: 'zapd-test-admin' });
    await admin.connect();
    await sandbox.linkSession('main', ME);
    await sandbox.admin('POST', '/accounts', { phone: SENDER, pushName: 'Sender' });
  });
  after(async () => {
    await admin?.end();
    await sandbox?.close();
    await receiver?.close();
  });

  test('idle and busy connections terminated: answers are 200 or 503, never a crash; then all succeed', async () => {
    const chats = () => sandbox.zapd.api('GET', '/api/main/chats');
    assert.equal((await chats()).status, 200);
    // Idle connections: the pool used to re-emit their error with nobody listening, ending the process.
    assert.ok((await terminateBackends()) > 0, 'zapd had connections to terminate');
    await new Promise((resolve) => setTimeout(resolve, 200));
    assertAliveAnswer(await chats(), 'right after');

    // Connections busy with requests in flight.
    for (let round = 0; round < 3; round++) {
      const inFlight = Array.from({ length: 20 }, () => chats());
      await terminateBackends();
      for (const response of await Promise.all(inFlight)) assertAliveAnswer(response, `round ${round}`);
    }
    for (let index = 0; index < 10; index++) assert.equal((await chats()).status, 200, 'later requests reconnect');
    assert.equal((await sandbox.zapd.api('GET', '/ping')).status, 200);
  });

  test('inbound messages sent while backends are terminated are all stored and delivered', async () => {
    const texts = Array.from({ length: 20 }, (_, index) => `through the outage ${index}`);
    const ids: string[] = [];
    for (const [index, text] of texts.entries()) {
      ids.push((await sandbox.admin<{ id: string }>('POST', `/accounts/${SENDER}/send`, { to: ME, text })).id);
      if (index % 5 === 2) await terminateBackends();
    }
    await terminateBackends();
    const chatId = `${SENDER}@c.us`;
    await waitFor(
      'every message in the history',
      async () => {
        const page = await sandbox.zapd.api<Array<{ id: string }>>('GET', `/api/main/chats/${chatId}/messages?limit=100`);
        return page.status === 200 && ids.every((id) => page.body.some((message) => message.id.endsWith(`_${id}`)));
      },
      60_000,
    );
    await waitFor('a webhook for every message', () => ids.every((id) => receiver.events('message').some((event) => String(event.payload.id).endsWith(`_${id}`))), 30_000);
    await sandbox.waitForStatus('main', 'WORKING', 60_000);

    // And the session still works as usual afterwards.
    const { id } = await sandbox.admin<{ id: string }>('POST', `/accounts/${SENDER}/send`, { to: ME, text: 'after the outage' });
    await waitFor('the last message stored', async () => (await sandbox.zapd.api<{ body: string }>('GET', `/api/main/chats/${chatId}/messages/${encodeURIComponent(`false_${chatId}_${id}`)}`)).body.body === 'after the outage');
    await waitFor('and delivered', () => receiver.events('message').some((event) => String(event.payload.id).endsWith(`_${id}`)));
  });
});
