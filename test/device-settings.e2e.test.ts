// WAHA's config.client and config.noweb: the name the phone lists the device under, whether it
// shows online once connected, and whether it asks the phone for the whole history. Checked on the
// simulator's side, as the phone and the contacts see it.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { BOOTSTRAP_MESSAGES_PER_CHAT } from '../sim/history.ts';
import { waitFor } from './support/wait.ts';
import { startSandbox, type Sandbox } from './support/zapd.ts';

interface Devices {
  presence: { available: boolean } | null;
  devices: Array<{ name: string | null; platformType: string | null; requireFullSync: boolean; online: boolean }>;
}

const LONG_CHAT = 40;

describe('config.client and config.noweb', () => {
  let sandbox: Sandbox;
  before(async () => {
    sandbox = await startSandbox();
  });
  after(async () => {
    await sandbox.close();
  });

  const link = (name: string, phone: string, config: Record<string, unknown>) => sandbox.linkSession(name, phone, config);
  const seedHistory = (phone: string) =>
    sandbox.admin('POST', '/history', {
      phone,
      chats: [{ id: '15556000001@s.whatsapp.net', name: 'Long', messages: Array.from({ length: BOOTSTRAP_MESSAGES_PER_CHAT + LONG_CHAT }, (_, n) => ({ text: `old ${n}`, timestamp: 1_690_000_000 + n })) }],
    });
  const stored = async (session: string) => (await sandbox.zapd.api<unknown[]>('GET', `/api/${session}/chats/15556000001@c.us/messages?limit=0`)).body.length;

  test('the phone lists the device under config.client, and it shows online (markOnline defaults to true)', async () => {
    await link('desk', '15556000100', { client: { deviceName: 'Front desk', browserName: 'Chrome' } });
    const seen = await waitFor('the device online', async () => {
      const devices = await sandbox.admin<Devices>('GET', '/devices/15556000100');
      return devices.presence?.available ? devices : undefined;
    });
    assert.deepEqual(seen.devices.map((device) => [device.name, device.platformType]), [['Front desk', 'CHROME']]);
  });

  test('noweb.markOnline: false keeps the account from showing online', async () => {
    await link('shy', '15556000200', { noweb: { markOnline: false } });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const devices = await sandbox.admin<Devices>('GET', '/devices/15556000200');
    assert.notEqual(devices.presence?.available, true);
    assert.equal(devices.devices[0]?.name, 'Ubuntu', 'the default name');
  });

  test('noweb.store.fullSync asks the phone for the whole history; without it the recent part comes', async () => {
    await seedHistory('15556000300');
    await seedHistory('15556000400');
    await link('full', '15556000300', { noweb: { store: { fullSync: true } } });
    await link('recent', '15556000400', {});
    assert.equal((await sandbox.admin<Devices>('GET', '/devices/15556000300')).devices[0]?.requireFullSync, true);
    await waitFor('the whole history', async () => (await stored('full')) === BOOTSTRAP_MESSAGES_PER_CHAT + LONG_CHAT, 20_000);
    await waitFor('the recent history', async () => (await stored('recent')) === BOOTSTRAP_MESSAGES_PER_CHAT, 20_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(await stored('recent'), BOOTSTRAP_MESSAGES_PER_CHAT, 'no more than the recent part');
  });

  test('noweb.store.enabled: false is refused with the reason', async () => {
    const refused = await sandbox.zapd.api<{ message: string }>('POST', '/api/sessions', { name: 'nostore', config: { noweb: { store: { enabled: false } } } });
    assert.equal(refused.status, 400);
    assert.match(refused.body.message, /always keeps its store/);
  });
});
