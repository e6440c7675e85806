// Sends around a dropped WhatsApp connection, and the acks of sent messages: a 201 is never a silent
// loss (the message reaches the contact, or ends as ERROR with its message.ack), and each ack change
// is reported exactly once.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startReceiver } from './support/receiver.ts';
import { waitFor } from './support/wait.ts';
import { startSandbox } from './support/zapd.ts';

const ME = '15550007000';
const BOB = '15550007001';
const BOB_CHAT = `${BOB}@c.us`;

interface Received {
  id: string;
  text: string | null;
}

test('a connection dropped during sends: every 201 reaches the contact or ends as ERROR with a message.ack, and a send without a connection is refused', { timeout: 120_000 }, async () => {
  const receiver = await startReceiver();
  const sandbox = await startSandbox('sqlite', { WHATSAPP_HOOK_URL: receiver.url, WHATSAPP_HOOK_EVENTS: 'message.any,message.ack' });
  try {
    await sandbox.linkSession('main', ME);
    await sandbox.admin('POST', '/accounts', { phone: BOB, pushName: 'Bob' });
    const answered: string[] = [];
    const refused = new Map<number, number>();
    let next = 0;
    const WANTED = 60;
    let drops = 0;
    const worker = async () => {
      while (answered.length < WANTED && next < 1_000) {
        const index = next++;
        const response = await sandbox.zapd.api<{ id?: string; message?: string }>('POST', '/api/sendText', { session: 'main', chatId: BOB_CHAT, text: `around a drop ${index}`, linkPreview: false });
        if (response.status === 201 && response.body.id) {
          answered.push(response.body.id);
          // Drop our connection twice, each time while sends are in full flow.
          if ((answered.length === 15 && drops === 0) || (answered.length === 45 && drops === 1)) {
            drops += 1;
            await sandbox.admin('POST', '/drop', { phone: ME });
          }
        } else {
          refused.set(response.status, (refused.get(response.status) ?? 0) + 1);
          // A refused send is a clear answer; the client waits for the session to come back.
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      }
    };
    await Promise.all(Array.from({ length: 6 }, worker));
    assert.equal(drops, 2);
    assert.deepEqual([...refused.keys()].filter((status) => status !== 503 && status !== 422), [], `refusals are 503 or 422: ${JSON.stringify([...refused])}`);
    await sandbox.waitForStatus('main', 'WORKING', 30_000);

    const errored = () => new Set(receiver.events('message.ack').filter((event) => event.payload.ack === -1).map((event) => String(event.payload.id)));
    const delivered = async () => new Set((await sandbox.admin<Received[]>('GET', `/accounts/${BOB}/messages`)).map((message) => `true_${BOB_CHAT}_${message.id}`));
    const unsettled = async () => {
      const reached = await delivered();
      const failed = errored();
      return answered.filter((id) => !reached.has(id) && !failed.has(id));
    };
    await waitFor('every answered send to be delivered or ERROR', async () => (await unsettled()).length === 0, 45_000, 250).catch(() => undefined);
    const lost = await unsettled();
    assert.deepEqual(lost, [], `${lost.length} of ${answered.length} answered sends neither reached the contact nor ended as ERROR`);
    // Every answered send is in the history, whatever became of it; ERROR there too when it ended so.
    const failed = errored();
    for (const id of answered) {
      const stored = await sandbox.zapd.api<{ ack: number }>('GET', `/api/main/chats/${BOB_CHAT}/messages/${id}`);
      assert.equal(stored.status, 200, `GET ${id}`);
      if (failed.has(id) && !(await delivered()).has(id)) assert.equal(stored.body.ack, -1, `${id} is stored as ERROR`);
    }
    // Each arrives once, even when it was relayed again after the reconnect.
    const texts = (await sandbox.admin<Received[]>('GET', `/accounts/${BOB}/messages`)).map((message) => message.id);
    assert.equal(new Set(texts).size, texts.length, 'no message reached the contact twice');

    // While the connection is down, a send is refused at once rather than accepted and lost.
    await sandbox.admin('POST', '/drop', { phone: ME });
    const during = await sandbox.zapd.api<{ message: string }>('POST', '/api/sendText', { session: 'main', chatId: BOB_CHAT, text: 'while down', linkPreview: false });
    if (during.status === 201) {
      const id = (during.body as unknown as { id: string }).id;
      await waitFor('the send made during the drop to settle', async () => (await delivered()).has(id) || errored().has(id), 30_000, 250);
    } else assert.ok([503, 422].includes(during.status), `refused with ${during.status}: ${during.body.message}`);
  } finally {
    await sandbox.close();
    await receiver.close();
  }
});

test('a send WhatsApp never confirms ends as ERROR: after three connections, or when the session stops', { timeout: 90_000 }, async () => {
  const receiver = await startReceiver();
  const sandbox = await startSandbox('sqlite', { WHATSAPP_HOOK_URL: receiver.url, WHATSAPP_HOOK_EVENTS: 'message.any,message.ack' });
  try {
    await sandbox.linkSession('main', ME);
    await sandbox.admin('POST', '/accounts', { phone: BOB, pushName: 'Bob' });
    const errored = (id: string) => receiver.events('message.ack').some((event) => event.payload.id === id && event.payload.ack === -1 && event.payload.ackName === 'ERROR');
    const storedAck = async (id: string) => (await sandbox.zapd.api<{ ack: number }>('GET', `/api/main/chats/${BOB_CHAT}/messages/${id}`)).body.ack;
    await sandbox.admin('POST', '/blackhole', { phone: ME });

    const lost = await sandbox.zapd.api<{ id: string }>('POST', '/api/sendText', { session: 'main', chatId: BOB_CHAT, text: 'into the void', linkPreview: false });
    assert.equal(lost.status, 201);
    assert.equal(await storedAck(lost.body.id), 0, 'recorded as PENDING');
    // Relayed on the second and third connection, given up on the fourth.
    for (let drop = 1; drop <= 3; drop++) {
      const dropped = await sandbox.admin<{ dropped: number }>('POST', '/drop', { phone: ME });
      assert.ok(dropped.dropped >= 1);
      await waitFor(`connection ${drop + 1}`, async () => (await sandbox.admin<Record<string, number>>('GET', '/connections'))[ME] === 1, 20_000, 50);
      await sandbox.waitForStatus('main', 'WORKING', 20_000);
    }
    await waitFor('the ERROR ack', () => errored(lost.body.id), 20_000, 50);
    assert.equal(await storedAck(lost.body.id), -1);
    assert.equal(receiver.events('message.ack').filter((event) => event.payload.id === lost.body.id).length, 1, 'one ack event: ERROR');

    const unconfirmed = await sandbox.zapd.api<{ id: string }>('POST', '/api/sendText', { session: 'main', chatId: BOB_CHAT, text: 'right before the stop', linkPreview: false });
    assert.equal(unconfirmed.status, 201);
    assert.equal((await sandbox.zapd.api('POST', '/api/sessions/main/stop')).status, 201);
    await waitFor('the ERROR ack at stop', () => errored(unconfirmed.body.id), 20_000, 50);
    assert.equal(await storedAck(unconfirmed.body.id), -1);
  } finally {
    await sandbox.close();
    await receiver.close();
  }
});

test('messages read by the contact: exactly one DEVICE and one READ message.ack each', { timeout: 90_000 }, async () => {
  const receiver = await startReceiver();
  const sandbox = await startSandbox('sqlite', { WHATSAPP_HOOK_URL: receiver.url, WHATSAPP_HOOK_EVENTS: 'message.any,message.ack' });
  try {
    await sandbox.linkSession('main', ME);
    await sandbox.admin('POST', '/accounts', { phone: BOB, pushName: 'Bob' });
    const N = Number(process.env.ACK_TEST_N ?? 30);
    const ids = await Promise.all(
      Array.from({ length: N }, async (_, index) => {
        const response = await sandbox.zapd.api<{ id: string }>('POST', '/api/sendText', { session: 'main', chatId: BOB_CHAT, text: `read me ${index}`, linkPreview: false });
        assert.equal(response.status, 201);
        return response.body.id;
      }),
    );
    await waitFor('bob to receive them', async () => (await sandbox.admin<Received[]>('GET', `/accounts/${BOB}/messages`)).length >= N, 30_000, 100);
    await sandbox.admin('POST', `/accounts/${BOB}/read`, {});
    const acksOf = (id: string, ack: number) => receiver.events('message.ack').filter((event) => event.payload.id === id && event.payload.ack === ack).length;
    await waitFor('a READ ack of each', () => ids.every((id) => acksOf(id, 3) >= 1), 30_000, 100);
    // Receipts come again (one per device, the phone's among them); give repeats time to show.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const wrong = ids.map((id) => ({ id, device: acksOf(id, 2), read: acksOf(id, 3) })).filter((counts) => counts.device !== 1 || counts.read !== 1);
    assert.deepEqual(wrong, [], 'each message has one DEVICE and one READ ack event');
    // The store agrees with the events.
    const stored = await sandbox.zapd.api<Array<{ id: string; ack: number }>>('GET', `/api/main/chats/${BOB_CHAT}/messages?limit=1000&downloadMedia=false`);
    for (const id of ids) assert.equal(stored.body.find((message) => message.id === id)?.ack, 3, id);
    // message.any (PENDING) comes before the acks of each message.
    for (const id of ids) {
      const order = receiver.requests.map((request) => request.body).filter((event) => event.payload.id === id).map((event) => (event.event === 'message.any' ? 'any' : String(event.payload.ack)));
      assert.equal(order[0], 'any', `${id}: ${order.join(',')}`);
    }
  } finally {
    await sandbox.close();
    await receiver.close();
  }
});
