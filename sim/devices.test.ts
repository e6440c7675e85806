// How the simulator treats a device's connections and device list as WhatsApp does: a receipt
// confirms a message (it is not delivered again), a second login replaces the first, linking and
// unlinking tell the contacts, virtual contacts survive a restart, and the admin API counts
// connections per account.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DisconnectReason } from 'baileys';
import { startSimulator, type RunningSimulator } from './index.ts';
import { MemoryAuth, SimClient } from './testing/baileys-client.ts';
import { until } from './testing/until.ts';

const endpointOf = (sim: RunningSimulator) => ({ wsUrl: sim.wsUrl, rootPublicKey: sim.rootPublicKey });
const textOf = (client: SimClient, id: string | null | undefined) => {
  const message = client.received.find((candidate) => candidate.key?.id === id)?.message;
  return message?.conversation ?? message?.extendedTextMessage?.text ?? undefined;
};

async function admin<T>(sim: RunningSimulator, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${sim.httpUrl}/admin${path}`, { method, ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }) });
  const parsed = (await response.json()) as T;
  assert.ok(response.ok, JSON.stringify(parsed));
  return parsed;
}

test('a message the device confirmed with its receipt is not delivered again at the next login', async () => {
  const sim = await startSimulator({ port: 0 });
  const amy = new SimClient({ endpoint: endpointOf(sim), onQr: (qr) => void sim.scan(qr, '15550008001') });
  const ben = new SimClient({ endpoint: endpointOf(sim), onQr: (qr) => void sim.scan(qr, '15550008002') });
  try {
    await Promise.all([amy.connect(), ben.connect()]);
    const sent = await amy.socket!.sendMessage(ben.jid, { text: 'only once' });
    await until('ben receives it', () => textOf(ben, sent?.key.id) === 'only once');
    // Ben's receipt reaches amy, so the server has it too.
    await until('the delivery receipt', () => amy.statusUpdates.some((update) => update.id === sent?.key.id && update.status >= 3));
    const before = ben.received.length;
    sim.dropConnections('15550008002');
    await until('ben back online', async () => (await admin<Record<string, number>>(sim, 'GET', '/connections'))['15550008002'] === 1);
    // The offline queue would be handed over right after the login.
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(ben.received.filter((message) => message.key?.id === sent?.key.id).length, 1, 'delivered once');
    assert.equal(ben.received.length, before, 'nothing was delivered again');
  } finally {
    await amy.close();
    await ben.close();
    await sim.stop();
  }
});

test('a second login of a device closes the first with a replaced conflict; connections are counted per account', async () => {
  const sim = await startSimulator({ port: 0 });
  const auth = new MemoryAuth();
  const first = new SimClient({ endpoint: endpointOf(sim), auth, onQr: (qr) => void sim.scan(qr, '15550008101') });
  const second = new SimClient({ endpoint: endpointOf(sim), auth });
  try {
    await first.connect();
    assert.deepEqual(await admin(sim, 'GET', '/connections'), { '15550008101': 1 });
    await second.connect();
    await until('the first connection closed', () => first.lastClose !== undefined);
    assert.equal(first.lastClose, DisconnectReason.connectionReplaced, 'conflict type=replaced, not a plain drop');
    await until('one connection left', async () => (await admin<Record<string, number>>(sim, 'GET', '/connections'))['15550008101'] === 1);
    // The replaced client does not come back to fight over the device.
    await new Promise((resolve) => setTimeout(resolve, 400));
    assert.deepEqual(await admin(sim, 'GET', '/connections'), { '15550008101': 1 });
  } finally {
    await first.close();
    await second.close();
    await sim.stop();
  }
});

test('after a device is unlinked and linked again, the contacts reach the new device', async () => {
  const sim = await startSimulator({ port: 0 });
  const cleo = new SimClient({ endpoint: endpointOf(sim), onQr: (qr) => void sim.scan(qr, '15550008201') });
  const dan = new SimClient({ endpoint: endpointOf(sim), onQr: (qr) => void sim.scan(qr, '15550008202') });
  let newDan: SimClient | undefined;
  try {
    await Promise.all([cleo.connect(), dan.connect()]);
    const hello = await cleo.socket!.sendMessage(dan.jid, { text: 'hello old device' });
    await until('the first device receives', () => textOf(dan, hello?.key.id) === 'hello old device');
    await admin(sim, 'POST', '/unlink', { phone: '15550008202' });
    await until('the old device is gone', () => dan.lastClose !== undefined);
    await dan.close();
    newDan = new SimClient({ endpoint: endpointOf(sim), onQr: (qr) => void sim.scan(qr, '15550008202') });
    await newDan.connect();
    const ids: string[] = [];
    for (let index = 0; index < 6; index++) {
      const sent = await cleo.socket!.sendMessage(newDan.jid, { text: `to the new device ${index}` });
      ids.push(sent?.key.id ?? '');
    }
    const reached = newDan;
    await until('all six reach the new device', () => ids.every((id, index) => textOf(reached, id) === `to the new device ${index}`), 15_000);
  } finally {
    await cleo.close();
    await dan.close();
    await newDan?.close();
    await sim.stop();
  }
});

test('virtual contacts come back after a restart with the same state file, and still send', async () => {
  const directory = mkdtempSync(join(tmpdir(), 'zapd-sim-contacts-'));
  const stateFile = join(directory, 'state.json');
  let second: RunningSimulator | undefined;
  let eva: SimClient | undefined;
  try {
    const first = await startSimulator({ port: 0, seed: 'contacts-seed', stateFile });
    await admin(first, 'POST', '/accounts', { phone: '15550008301', pushName: 'Fay' });
    await first.stop();

    second = await startSimulator({ port: 0, seed: 'contacts-seed', stateFile });
    const accounts = await admin<Array<{ phone: string }>>(second, 'GET', '/accounts');
    assert.deepEqual(accounts.map((account) => account.phone), ['15550008301']);
    assert.deepEqual(await admin(second, 'GET', '/connections'), { '15550008301': 1 }, 'logged in again, without a new link');
    const running = second;
    eva = new SimClient({ endpoint: endpointOf(running), onQr: (qr) => void running.scan(qr, '15550008302') });
    await eva.connect();
    const sent = await admin<{ id: string }>(second, 'POST', '/accounts/15550008301/send', { to: '15550008302', text: 'still here' });
    const receiver = eva;
    await until('the restored contact’s message arrives', () => textOf(receiver, sent.id) === 'still here');
  } finally {
    await eva?.close();
    await second?.stop();
    rmSync(directory, { recursive: true, force: true });
  }
});
