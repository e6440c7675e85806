// The simulator's promises to plain Baileys clients beyond the happy path: offline delivery,
// reconnecting with saved credentials, dropped connections, bad input, persistence, and the
// directory/profile/privacy queries answering as WhatsApp does.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import { until } from './testing/until.ts';
import { startSimulator, type RunningSimulator } from './index.ts';
import { MemoryAuth, SimClient } from './testing/baileys-client.ts';

const text = (client: SimClient, id: string | null | undefined) => {
  const message = client.received.find((entry) => entry.key?.id === id)?.message;
  return message?.conversation ?? message?.extendedTextMessage?.text;
};

describe('simulator behaviour', () => {
  let sim: RunningSimulator;
  let gus: SimClient;
  let hal: SimClient;
  const endpoint = () => ({ wsUrl: sim.wsUrl, rootPublicKey: sim.rootPublicKey, tlsCertificate: sim.tlsCertificate });

  before(async () => {
    sim = await startSimulator({ port: 0 });
    gus = new SimClient({ endpoint: endpoint(), onQr: (qr) => void sim.scan(qr, '15550006001') });
    hal = new SimClient({ endpoint: endpoint(), onQr: (qr) => void sim.scan(qr, '15550006002') });
    await Promise.all([gus.connect(), hal.connect()]);
  });
  after(async () => {
    await gus.close();
    await hal.close();
    await sim.stop();
  });

  test('a message sent while the recipient is offline arrives at its next login, without a new QR', async () => {
    await hal.close();
    const sent = await gus.socket!.sendMessage(hal.jid, { text: 'while you were away' });
    let askedForQr = false;
    hal = new SimClient({ endpoint: endpoint(), auth: hal.auth, onQr: () => void (askedForQr = true) });
    await hal.connect();
    assert.equal(askedForQr, false, 'saved credentials log in directly');
    await until('the queued message', () => text(hal, sent?.key.id) === 'while you were away');
  });

  test('a dropped connection reconnects with its credentials', async () => {
    const dropped = sim.dropConnections('15550006002');
    assert.ok(dropped >= 1);
    await until('hal to notice the drop', () => hal.lastClose !== undefined);
    await until('hal to be open again', async () => {
      const sent = await gus.socket!.sendMessage(hal.jid, { text: 'are you back?' }).catch(() => undefined);
      return sent ? until('delivery', () => text(hal, sent.key.id) === 'are you back?', 3_000).catch(() => false) : false;
    }, 15_000);
  });

  test('a burst is encrypted by virtual contacts first, then released in order at the given rate', async () => {
    const post = async (path: string, body: unknown) => {
      const response = await fetch(`${sim.httpUrl}/admin${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    await post('/accounts', { phone: '15550006003' });
    const texts = Array.from({ length: 20 }, (_, index) => `burst ${index}`);
    const before = hal.received.length;
    const { status, body } = await post('/burst', { rate: 100, messages: texts.map((text) => ({ from: '15550006003', to: hal.jid, text })) });
    assert.equal(status, 200);
    const sentAt = body.sentAt as number[];
    assert.equal(sentAt.length, 20);
    assert.ok(sentAt.every((at, index) => typeof at === 'number' && (index === 0 || at >= (sentAt[index - 1] ?? 0))), 'released in order');
    // 20 messages at 100/s: the last leaves about 190 ms after the first, not all at once.
    const spread = (sentAt[19] ?? 0) - (sentAt[0] ?? 0);
    assert.ok(spread >= 150 && spread < 1_500, `spread ${spread} ms`);
    await until('hal to decrypt the whole burst', () => texts.every((text) => hal.received.slice(before).some((message) => message.message?.conversation === text || message.message?.extendedTextMessage?.text === text)));
    // The network stops holding afterwards: an ordinary message goes straight through.
    const after = await gus.socket!.sendMessage(hal.jid, { text: 'after the burst' });
    await until('an ordinary message after it', () => text(hal, after?.key.id) === 'after the burst');
    assert.equal((await post('/burst', { rate: 0, messages: [] })).status, 400);
  });

  test('malformed frames and unknown stanzas do not take the simulator down', async () => {
    const raw = new WebSocket(sim.wsUrl);
    await new Promise((resolve) => raw.once('open', resolve));
    raw.send(Buffer.from('not whatsapp at all'));
    await until('the bad connection to be closed', () => raw.readyState === WebSocket.CLOSED, 5_000);
    const health = (await (await fetch(`${sim.httpUrl}/admin/health`)).json()) as { status: string };
    assert.equal(health.status, 'ok');
    const answer = await gus.socket!.query({ tag: 'iq', attrs: { to: 's.whatsapp.net', type: 'get', xmlns: 'zapd:unknown' }, content: [{ tag: 'whatever', attrs: {} }] }).catch((error: Error) => error);
    assert.ok(answer instanceof Error, 'an unknown query is answered with an error, not silence');
    const sent = await gus.socket!.sendMessage(hal.jid, { text: 'still working' });
    await until('delivery after the garbage', () => text(hal, sent?.key.id) === 'still working');
  });

  test('onWhatsApp, about, profile picture, presence and blocking answer as WhatsApp does', async () => {
    const [known] = (await gus.socket!.onWhatsApp('+15550006002')) ?? [];
    assert.equal(known?.exists, true);
    const [unknown] = (await gus.socket!.onWhatsApp('+15559990000')) ?? [];
    assert.notEqual(unknown?.exists, true);

    await hal.socket!.updateProfileStatus('busy building bots');
    const [status] = (await gus.socket!.fetchStatus(hal.jid)) ?? [];
    assert.equal((status?.status as { status?: string } | undefined)?.status, 'busy building bots');

    // Baileys' updateProfilePicture needs an image library to resize; this is the stanza it sends.
    const jpeg = Buffer.from('ffd8ffe000104a46494600010100000100010000ffd9', 'hex');
    await hal.socket!.query({ tag: 'iq', attrs: { to: 's.whatsapp.net', type: 'set', xmlns: 'w:profile:picture' }, content: [{ tag: 'picture', attrs: { type: 'image' }, content: jpeg }] });
    const url = await gus.socket!.profilePictureUrl(hal.jid, 'image');
    assert.match(url ?? '', /^https:\/\/127\.0\.0\.1:\d+\/pp\//);
    const { Agent } = await import('undici');
    const picture = await fetch(url ?? '', { dispatcher: new Agent({ connect: { ca: sim.tlsCertificate } }) } as unknown as RequestInit);
    assert.deepEqual(Buffer.from(await picture.arrayBuffer()), jpeg);
    await hal.socket!.removeProfilePicture(hal.jid);
    await assert.rejects(gus.socket!.profilePictureUrl(hal.jid, 'image'));

    const updates: Array<Record<string, { lastKnownPresence?: string }>> = [];
    gus.socket!.ev.on('presence.update', ({ presences }) => updates.push(presences));
    await gus.socket!.presenceSubscribe(hal.jid);
    await hal.socket!.sendPresenceUpdate('available');
    await until('hal online', () => updates.some((presences) => Object.values(presences).some((presence) => presence.lastKnownPresence === 'available')));

    await hal.socket!.updateBlockStatus(gus.jid, 'block');
    assert.deepEqual(await hal.socket!.fetchBlocklist(), [gus.jid]);
    const blocked = await gus.socket!.sendMessage(hal.jid, { text: 'can you hear me?' });
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(text(hal, blocked?.key.id), undefined, 'a blocked sender is not delivered');
    await hal.socket!.updateBlockStatus(gus.jid, 'unblock');
    assert.deepEqual(await hal.socket!.fetchBlocklist(), []);
    const unblocked = await gus.socket!.sendMessage(hal.jid, { text: 'and now?' });
    await until('delivery after unblock', () => text(hal, unblocked?.key.id) === 'and now?');
  });
});

describe('simulator persistence', () => {
  test('the same seed gives the same trust root; a state file keeps linked devices across restarts', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'zapd-sim-'));
    const stateFile = join(directory, 'state.json');
    try {
      const first = await startSimulator({ port: 0, seed: 'fixed-seed', stateFile });
      const auth = new MemoryAuth();
      const ivy = new SimClient({ endpoint: { wsUrl: first.wsUrl, rootPublicKey: first.rootPublicKey }, auth, onQr: (qr) => void first.scan(qr, '15550006101') });
      await ivy.connect();
      await ivy.close();
      await first.stop();

      const second = await startSimulator({ port: 0, seed: 'fixed-seed', stateFile });
      assert.deepEqual(Buffer.from(second.rootPublicKey), Buffer.from(first.rootPublicKey));
      let askedForQr = false;
      const again = new SimClient({ endpoint: { wsUrl: second.wsUrl, rootPublicKey: second.rootPublicKey }, auth, onQr: () => void (askedForQr = true) });
      await again.connect();
      assert.equal(askedForQr, false);
      assert.equal(again.phone, '15550006101');
      await again.close();
      await second.stop();
      const other = await startSimulator({ port: 0, seed: 'another-seed' });
      assert.notDeepEqual(Buffer.from(other.rootPublicKey), Buffer.from(first.rootPublicKey));
      await other.stop();
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
