// "Inbound messages are acknowledged to WhatsApp only after they are recorded": a message whose
// recording fails must not be acknowledged, so that WhatsApp (here the simulator) delivers it again
// and it is recorded once the store takes it. The store is made to refuse it for real, with a
// trigger that rejects the sender's contact row.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import pg from 'pg';
import { startReceiver, type Receiver } from './support/receiver.ts';
import { waitFor } from './support/wait.ts';
import { startSandbox, storeBackends, type Sandbox } from './support/zapd.ts';

const ME = '15550007100';
const REFUSED = '15550007101';
const REFUSED_NAME = 'Refuse me';

interface SentByContact {
  id: string;
  ack: number | null;
}

/** Runs SQL against zapd's own store, from outside zapd. */
async function runOnStore(sandbox: Sandbox, statements: { sqlite: string; postgres: string }): Promise<void> {
  const { store } = sandbox;
  if (store.postgres) {
    const client = new pg.Client({ connectionString: store.postgres.url });
    await client.connect();
    try {
      await client.query(statements.postgres);
    } finally {
      await client.end();
    }
    return;
  }
  const sqlite = new Database(join(store.dataDir, 'zapd.sqlite'));
  try {
    sqlite.exec(statements.sqlite);
  } finally {
    sqlite.close();
  }
}

const REFUSE = {
  sqlite: `create trigger refuse_contact before insert on contacts when new.push_name = '${REFUSED_NAME}' begin select raise(abort, 'refused by the test'); end;`,
  postgres: `
    create function refuse_contact() returns trigger language plpgsql as $$
    begin
      if new.push_name = '${REFUSED_NAME}' then raise exception 'refused by the test'; end if;
      return new;
    end $$;
    create trigger refuse_contact before insert on contacts for each row execute function refuse_contact();`,
};
const ACCEPT = { sqlite: 'drop trigger refuse_contact;', postgres: 'drop trigger refuse_contact on contacts; drop function refuse_contact();' };

for (const backend of storeBackends()) {
  describe(`a message that could not be recorded is not acknowledged (${backend})`, () => {
    let sandbox: Sandbox;
    let receiver: Receiver;

    before(async () => {
      receiver = await startReceiver();
      sandbox = await startSandbox(backend, { WHATSAPP_HOOK_URL: receiver.url, WHATSAPP_HOOK_EVENTS: 'message,session.status' });
      await sandbox.linkSession('main', ME);
      await sandbox.admin('POST', '/accounts', { phone: REFUSED, pushName: REFUSED_NAME });
    });
    after(async () => {
      await sandbox.close();
      await receiver.close();
    });

    test('no ack while the store refuses it; delivered again and recorded once it takes it', async () => {
      await runOnStore(sandbox, REFUSE);
      const reconnectsBefore = receiver.events('session.status').filter((event) => event.payload.status === 'STARTING').length;
      const { id } = await sandbox.admin<{ id: string }>('POST', `/accounts/${REFUSED}/send`, { to: ME, text: 'keep me' });
      const chatId = `${REFUSED}@c.us`;
      const stored = async () => (await sandbox.zapd.api<Array<{ id: string; body: string }>>('GET', `/api/main/chats/${chatId}/messages?limit=10`)).body.find((message) => message.id.endsWith(`_${id}`));
      const ackSeenBySender = async () => (await sandbox.admin<SentByContact[]>('GET', `/accounts/${REFUSED}/messages?sent=true`)).find((message) => message.id === id)?.ack ?? 0;

      // zapd drops its connection rather than acknowledge: the session goes through STARTING again.
      await waitFor('zapd to reconnect instead of acknowledging', () => receiver.events('session.status').filter((event) => event.payload.status === 'STARTING').length > reconnectsBefore, 20_000);
      assert.equal(await stored(), undefined);
      assert.ok((await ackSeenBySender()) < 2, 'the sender must not see the message delivered');
      assert.equal(receiver.events('message').length, 0);

      await runOnStore(sandbox, ACCEPT);
      const message = await waitFor('the message delivered again and recorded', stored, 45_000);
      assert.equal(message.body, 'keep me');
      await waitFor('its webhook', () => receiver.events('message').some((event) => String(event.payload.id).endsWith(`_${id}`)));
      await waitFor('the sender to see it delivered', async () => (await ackSeenBySender()) >= 2);
      await sandbox.waitForStatus('main', 'WORKING');
    });
  });
}
