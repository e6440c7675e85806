// Chatting through the HTTP API, observed by a virtual contact on the simulator.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { ffmpegPath } from '../src/media/transcode.ts';
import { waitFor } from './support/wait.ts';
import { startSandbox, type Sandbox } from './support/zapd.ts';
import { toneWav } from './support/audio.ts';

interface SentMessage {
  id: string;
  from: string;
  fromMe: boolean;
  to?: string;
  participant?: string;
  body: string | null;
  source: string;
  ack: number;
  ackName: string;
  timestamp: number;
  key: { remoteJid: string; fromMe: boolean; id: string };
  message: Record<string, unknown>;
  messageTimestamp: string;
  status: string;
}
interface ContactMessage {
  id: string;
  from: string;
  text: string | null;
  type: string;
  media: { mimetype: string | null; caption: string | null; filename: string | null } | null;
  location: { latitude: number; longitude: number; name: string | null } | null;
  reaction: { messageId: string; emoji: string } | null;
  ack: number | null;
}


const ME = '15550003000';
const CAROL = '15550003001';

describe('messaging end to end', () => {
  let sandbox: Sandbox;
  const admin = <T>(method: string, path: string, body?: unknown) => sandbox.admin<T>(method, path, body);
  const carolReceived = (id: string) =>
    waitFor(`carol to receive ${id}`, async () => (await admin<ContactMessage[]>('GET', `/accounts/${CAROL}/messages`)).find((message) => id.endsWith(`_${message.id}`)));

  before(async () => {
    sandbox = await startSandbox();
    await sandbox.linkSession('main', ME);
    await admin('POST', '/accounts', { phone: CAROL, pushName: 'Carol' });
  });
  after(async () => {
    await sandbox.close();
  });

  test('sendText in both dialects and the deprecated GET', async () => {
    const { zapd } = sandbox;
    const waha = await zapd.api<SentMessage>('POST', '/api/sendText', { session: 'main', chatId: `${CAROL}@c.us`, text: 'hello from waha' });
    assert.equal(waha.status, 201, JSON.stringify(waha.body));
    assert.match(waha.body.id, new RegExp(`^true_${CAROL}@c\\.us_[0-9A-F]+$`));
    assert.equal(waha.body.fromMe, true);
    // NOWEB: `from` is the chat, a 1:1 message has no `to`/`participant`; the raw key and status are top-level.
    assert.equal(waha.body.from, `${CAROL}@c.us`);
    assert.equal('to' in waha.body, false);
    assert.equal('participant' in waha.body, false);
    assert.equal(waha.body.ack, 0);
    assert.equal(waha.body.ackName, 'PENDING');
    assert.deepEqual(waha.body.key, { remoteJid: `${CAROL}@s.whatsapp.net`, fromMe: true, id: waha.body.id.split('_')[2] });
    assert.equal(waha.body.messageTimestamp, String(waha.body.timestamp));
    assert.equal(waha.body.status, 'PENDING');
    assert.equal((waha.body.message.extendedTextMessage as { text?: string } | undefined)?.text ?? waha.body.message.conversation, 'hello from waha');
    assert.equal(waha.body.source, 'api');
    assert.equal((await carolReceived(waha.body.id)).text, 'hello from waha');

    const wappfy = await zapd.api<SentMessage>('POST', '/api/sendText', { sessionId: 'main', jid: `${CAROL}@s.whatsapp.net`, text: 'hello from wappfy' }, { 'x-api-key': '', apikey: 'test-api-key-0123456789' });
    assert.equal(wappfy.status, 201, JSON.stringify(wappfy.body));
    assert.equal((await carolReceived(wappfy.body.id)).text, 'hello from wappfy');

    const viaGet = await zapd.api<SentMessage>('GET', `/api/sendText?session=main&phone=${CAROL}&text=${encodeURIComponent('hello via get')}`);
    assert.equal(viaGet.status, 200, JSON.stringify(viaGet.body));
    assert.equal((await carolReceived(viaGet.body.id)).text, 'hello via get');

    // Three messages to one contact issue our trusted-contact token to it once, not once each.
    const issued = Object.entries(await admin<Record<string, number>>('GET', '/trust-tokens')).filter(([key]) => key.startsWith(`${ME}>`));
    assert.equal(issued.length, 1, JSON.stringify(issued));
    assert.equal(issued[0]?.[1], 1, JSON.stringify(issued));
  });

  test('location, contact card, poll, reply and forward arrive as sent', async () => {
    const { zapd } = sandbox;
    const location = await zapd.api<SentMessage>('POST', '/api/sendLocation', { session: 'main', chatId: CAROL, latitude: 38.7223, longitude: -9.1393, title: 'Lisbon' });
    assert.equal(location.status, 201, JSON.stringify(location.body));
    const seenLocation = await carolReceived(location.body.id);
    assert.deepEqual(seenLocation.location, { latitude: 38.7223, longitude: -9.1393, name: 'Lisbon' });

    const vcard = await zapd.api<SentMessage>('POST', '/api/sendContactVcard', { session: 'main', chatId: CAROL, contacts: [{ fullName: 'Dave Doe', phoneNumber: '+15550009999' }] });
    assert.equal(vcard.status, 201, JSON.stringify(vcard.body));
    assert.equal((await carolReceived(vcard.body.id)).type, 'contactMessage');

    const poll = await zapd.api<SentMessage>('POST', '/api/sendPoll', { session: 'main', chatId: CAROL, poll: { name: 'Lunch?', options: ['Pizza', 'Sushi'] } });
    assert.equal(poll.status, 201, JSON.stringify(poll.body));
    assert.equal((await carolReceived(poll.body.id)).text, 'Lunch?');

    const reply = await zapd.api<SentMessage>('POST', '/api/sendText', { session: 'main', chatId: CAROL, text: 'quoting', reply_to: poll.body.id });
    assert.equal(reply.status, 201, JSON.stringify(reply.body));
    await carolReceived(reply.body.id);

    const forwarded = await zapd.api<SentMessage>('POST', '/api/forwardMessage', { session: 'main', chatId: CAROL, messageId: location.body.id });
    assert.equal(forwarded.status, 201, JSON.stringify(forwarded.body));
    assert.equal((await carolReceived(forwarded.body.id)).type, 'locationMessage');
  });

  test('reaction, edit and delete reach the contact', async () => {
    const { zapd } = sandbox;
    const original = await zapd.api<SentMessage>('POST', '/api/sendText', { session: 'main', chatId: CAROL, text: 'typo hree' });
    await carolReceived(original.body.id);
    const reacted = await zapd.api('PUT', '/api/reaction', { session: 'main', messageId: original.body.id, reaction: '👍' });
    assert.equal(reacted.status, 200, JSON.stringify(reacted.body));
    await waitFor('carol sees the reaction', async () =>
      (await admin<ContactMessage[]>('GET', `/accounts/${CAROL}/messages`)).some((message) => message.reaction?.emoji === '👍' && original.body.id.endsWith(message.reaction.messageId)),
    );
    const edited = await zapd.api('PUT', `/api/main/chats/${CAROL}@c.us/messages/${original.body.id}`, { text: 'typo here' });
    assert.equal(edited.status, 200, JSON.stringify(edited.body));
    await waitFor('carol sees the edit', async () => (await admin<ContactMessage[]>('GET', `/accounts/${CAROL}/messages`)).some((message) => message.text === 'typo here'));
    const deleted = await zapd.api('DELETE', `/api/main/chats/${CAROL}@c.us/messages/${original.body.id}`);
    assert.equal(deleted.status, 200, JSON.stringify(deleted.body));
    await waitFor('carol sees the revoke', async () => (await admin<Array<ContactMessage & { revoked: boolean }>>('GET', `/accounts/${CAROL}/messages`)).some((message) => message.revoked));
  });

  test('image, file, voice and video arrive with the exact bytes', async () => {
    const { zapd } = sandbox;
    const cases = [
      { path: '/api/sendImage', body: { caption: 'a pixel', file: { mimetype: 'image/png', filename: 'pixel.png', data: Buffer.from('89504e470d0a1a0a0000000d4948445200', 'hex').toString('base64') } }, type: 'imageMessage' },
      { path: '/api/sendFile', body: { caption: 'the report', file: { mimetype: 'application/pdf', filename: 'report.pdf', data: Buffer.from('%PDF-1.4 zapd').toString('base64') } }, type: 'documentMessage' },
      { path: '/api/sendVoice', body: { file: { mimetype: 'audio/ogg; codecs=opus', data: Buffer.from('OggS voice').toString('base64') } }, type: 'audioMessage' },
      { path: '/api/sendVideo', body: { caption: 'clip', file: { mimetype: 'video/mp4', data: Buffer.from('....ftypmp42 video').toString('base64') } }, type: 'videoMessage' },
    ];
    for (const { path, body, type } of cases) {
      const sent = await zapd.api<SentMessage & { hasMedia: boolean }>('POST', path, { session: 'main', chatId: CAROL, ...body });
      assert.equal(sent.status, 201, `${path}: ${JSON.stringify(sent.body)}`);
      assert.equal(sent.body.hasMedia, true);
      const seen = await carolReceived(sent.body.id);
      assert.equal(seen.type, type, path);
      if ('caption' in body) assert.equal(seen.media?.caption, body.caption);
      const bare = sent.body.id.split('_').pop() ?? '';
      const media = await admin<{ data: string }>('GET', `/accounts/${CAROL}/messages/${bare}/media`);
      assert.equal(media.data, body.file.data, `${path} bytes`);
    }
    const seenFile = (await admin<ContactMessage[]>('GET', `/accounts/${CAROL}/messages`)).find((message) => message.type === 'documentMessage');
    assert.equal(seenFile?.media?.filename, 'report.pdf');
  });

  test('convert turns a WAV into an OGG/Opus voice note and an AVI into H.264 MP4', async () => {
    const { zapd } = sandbox;
    const ffmpeg = ffmpegPath();
    assert.ok(ffmpeg, 'the bundled ffmpeg is installed with the dependencies');
    const avi = execFileSync(ffmpeg, ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc=duration=1:size=65x49:rate=10', '-c:v', 'mpeg4', '-f', 'avi', 'pipe:1']);
    const cases = [
      { path: '/api/sendVoice', file: { mimetype: 'audio/wav', filename: 'memo.wav', data: toneWav(0.5).toString('base64') }, type: 'audioMessage', mimetype: 'audio/ogg; codecs=opus', marks: ['OggS', 'OpusHead'] },
      { path: '/api/sendVideo', file: { mimetype: 'video/x-msvideo', filename: 'clip.avi', data: avi.toString('base64') }, type: 'videoMessage', mimetype: 'video/mp4', marks: ['ftyp', 'avc1'] },
    ];
    for (const { path, file, type, mimetype, marks } of cases) {
      const sent = await zapd.api<SentMessage & { media: { mimetype: string } | null }>('POST', path, { session: 'main', chatId: CAROL, file, convert: true });
      assert.equal(sent.status, 201, `${path}: ${JSON.stringify(sent.body)}`);
      const seen = await carolReceived(sent.body.id);
      assert.equal(seen.type, type);
      assert.equal(seen.media?.mimetype, mimetype);
      const bare = sent.body.id.split('_').pop() ?? '';
      const bytes = Buffer.from((await admin<{ data: string }>('GET', `/accounts/${CAROL}/messages/${bare}/media`)).data, 'base64');
      assert.notEqual(bytes.toString('base64'), file.data, 'the contact got converted bytes, not the original');
      for (const mark of marks) assert.ok(bytes.includes(mark), `${path}: the converted file holds ${mark}`);
    }
    const garbage = await zapd.api<{ statusCode: number; message: string }>('POST', '/api/sendVoice', { session: 'main', chatId: CAROL, file: { mimetype: 'audio/wav', data: Buffer.from('not audio at all').toString('base64') }, convert: true });
    assert.equal(garbage.status, 422, JSON.stringify(garbage.body));
    assert.match(garbage.body.message, /could not be converted/);
    assert.doesNotMatch(garbage.body.message, /zapd-convert-/, 'no temp paths leak into the error');
  });

  test('typing, seen, star, mentions and number check', async () => {
    const { zapd } = sandbox;
    const { id } = await admin<{ id: string }>('POST', `/accounts/${CAROL}/send`, { to: ME, text: 'did you see this?' });
    const incoming = `false_${CAROL}@c.us_${id}`;
    await waitFor('the incoming message', async () => (await zapd.api<Array<{ id: string }>>('GET', `/api/main/chats/${CAROL}@c.us/messages`)).body.some((message) => message.id === incoming));
    assert.equal((await zapd.api('POST', '/api/sendSeen', { session: 'main', chatId: CAROL, messageIds: [incoming] })).status, 201);
    const read = await zapd.api<{ ids: string[] }>('POST', `/api/main/chats/${CAROL}@c.us/messages/read`);
    assert.equal(read.status, 201);
    assert.ok(read.body.ids.includes(incoming));
    await waitFor('carol sees the blue ticks', async () => (await admin<ContactMessage[]>('GET', `/accounts/${CAROL}/messages?sent=true`)).some((message) => message.id === id && (message.ack ?? 0) >= 3));
    const starred = await zapd.api('PUT', '/api/star', { session: 'main', chatId: CAROL, messageId: incoming, star: true });
    assert.equal(starred.status, 200, JSON.stringify(starred.body));
    const mention = await zapd.api<SentMessage & { _data: { message: { extendedTextMessage?: { contextInfo?: { mentionedJid?: string[] } } } } }>('POST', '/api/sendText', { session: 'main', chatId: CAROL, text: `hi @${CAROL}`, mentions: [`${CAROL}@c.us`] });
    assert.equal(mention.status, 201);
    assert.deepEqual(mention.body._data.message.extendedTextMessage?.contextInfo?.mentionedJid, [`${CAROL}@s.whatsapp.net`]);
    assert.equal((await zapd.api('POST', '/api/startTyping', { session: 'main', chatId: CAROL })).status, 201);
    assert.equal((await zapd.api('POST', '/api/stopTyping', { session: 'main', chatId: CAROL })).status, 201);
    const exists = await zapd.api<{ numberExists: boolean; chatId: string }>('GET', `/api/checkNumberStatus?session=main&phone=${CAROL}`);
    assert.deepEqual(exists.body, { numberExists: true, chatId: `${CAROL}@c.us` });
    const missing = await zapd.api<{ numberExists: boolean }>('GET', '/api/checkNumberStatus?session=main&phone=15559999999');
    assert.equal(missing.body.numberExists, false);
  });

  test('bad input is refused with JSON errors', async () => {
    const { zapd } = sandbox;
    for (const body of [
      { session: 'main', text: 'no chat' },
      { session: 'main', chatId: 'not-a-number', text: 'x' },
      { session: 'main', chatId: CAROL },
      { session: 'main', chatId: CAROL, text: '' },
    ]) {
      const response = await zapd.api<{ statusCode: number }>('POST', '/api/sendText', body);
      assert.equal(response.status, 400, JSON.stringify(body));
      assert.equal(response.body.statusCode, 400);
    }
    const unknownSession = await zapd.api('POST', '/api/sendText', { session: 'ghost', chatId: CAROL, text: 'x' });
    assert.equal(unknownSession.status, 404);
    for (const url of ['http://127.0.0.1:1/x.png', 'http://169.254.169.254/latest/meta-data/']) {
      const refused = await zapd.api<{ message: string }>('POST', '/api/sendImage', { session: 'main', chatId: CAROL, file: { url, mimetype: 'image/png' } });
      assert.equal(refused.status, 400, url);
    }
  });
});
