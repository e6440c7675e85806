// Profile and presence through the HTTP API, observed from a virtual contact.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Jimp } from 'jimp';
import { waitFor } from './support/wait.ts';
import WebSocket from 'ws';
import { startSandbox, TEST_API_KEY, type Sandbox } from './support/zapd.ts';

const ME = '15550010000';
const JADE = '15550010001';

describe('profile and presence end to end', () => {
  let sandbox: Sandbox;
  const admin = <T>(method: string, path: string, body?: unknown) => sandbox.admin<T>(method, path, body);
  before(async () => {
    sandbox = await startSandbox();
    await sandbox.linkSession('main', ME);
    await admin('POST', '/accounts', { phone: JADE, pushName: 'Jade' });
  });
  after(async () => {
    await sandbox.close();
  });

  test('about text and profile picture', async () => {
    const { zapd } = sandbox;
    const profile = await zapd.api<{ id: string; picture: string | null }>('GET', '/api/main/profile');
    assert.equal(profile.body.id, `${ME}@c.us`);
    assert.equal(profile.body.picture, null);
    assert.equal((await zapd.api('PUT', '/api/main/profile/status', { status: 'Shipping zapd' })).status, 200);
    const image = new Jimp({ width: 64, height: 64, color: 0x3366ffff });
    const jpeg = await image.getBuffer('image/jpeg');
    const set = await zapd.api('PUT', '/api/main/profile/picture', { file: { mimetype: 'image/jpeg', data: jpeg.toString('base64') } });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    const withPicture = await zapd.api<{ picture: string | null }>('GET', '/api/main/profile');
    assert.match(withPicture.body.picture ?? '', /^https:\/\//);
    assert.equal((await zapd.api('DELETE', '/api/main/profile/picture')).status, 200);
    assert.equal((await zapd.api<{ picture: string | null }>('GET', '/api/main/profile')).body.picture, null);
  });

  test("a contact's presence is subscribed to and reported", async () => {
    const { zapd } = sandbox;
    const socket = new WebSocket(`${zapd.url.replace('http', 'ws')}/ws?session=main&events=presence.update&x-api-key=${TEST_API_KEY}`);
    const frames: Array<{ payload: { id: string; presences: Array<{ lastKnownPresence: string }> } }> = [];
    socket.on('message', (data) => frames.push(JSON.parse(String(data)) as (typeof frames)[number]));
    await new Promise((resolve) => socket.once('open', resolve));
    assert.equal((await zapd.api('POST', `/api/main/presence/${JADE}@c.us/subscribe`)).status, 201);
    await admin('POST', `/accounts/${JADE}/presence`, { type: 'available' });
    await waitFor('a presence.update event', () => frames.some((frame) => frame.payload.id === `${JADE}@c.us` && frame.payload.presences.some((presence) => presence.lastKnownPresence === 'online')));
    socket.close();
    await waitFor('jade online', async () => {
      const all = await zapd.api<Array<{ id: string; presences: Array<{ lastKnownPresence: string }> }>>('GET', '/api/main/presence');
      return all.body.some((chat) => chat.id === `${JADE}@c.us` && chat.presences.some((presence) => presence.lastKnownPresence === 'online'));
    });
    const one = await zapd.api<{ id: string }>('GET', `/api/main/presence/${JADE}@c.us`);
    assert.equal(one.body.id, `${JADE}@c.us`);
    assert.equal((await zapd.api('POST', '/api/main/presence', { presence: 'online' })).status, 201);
    assert.equal((await zapd.api('POST', '/api/main/presence', { presence: 'typing', chatId: JADE })).status, 201);
    assert.equal((await zapd.api('POST', '/api/main/presence', { presence: 'typing' })).status, 400);
    assert.equal((await zapd.api('POST', '/api/main/presence', { presence: 'dancing' })).status, 400);
  });
});
