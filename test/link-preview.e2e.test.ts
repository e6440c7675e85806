// Link previews on plain text: zapd fetches the page a message links to and sends WhatsApp's
// preview (title, description, thumbnail) with it, as a phone does.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { Jimp } from 'jimp';
import { waitFor } from './support/wait.ts';
import { startSandbox, type Sandbox } from './support/zapd.ts';

const ME = '15550009100';
const DANA = '15550009101';

interface ContactMessage {
  id: string;
  text: string | null;
  linkPreview: { matchedText: string | null; title: string | null; description: string | null; thumbnailBytes: number; highQuality: { width: number | null; height: number | null } | null } | null;
  edited: boolean;
}

describe('link previews', () => {
  let sandbox: Sandbox;
  let site: Server;
  let origin = '';
  let pageRequests = 0;

  const danaReceived = (id: string) =>
    waitFor(`dana to receive ${id}`, async () => (await sandbox.admin<ContactMessage[]>('GET', `/accounts/${DANA}/messages`)).find((message) => id.endsWith(`_${message.id}`)));
  const send = (body: Record<string, unknown>) => sandbox.zapd.api<{ id: string }>('POST', '/api/sendText', { session: 'main', chatId: DANA, ...body });

  before(async () => {
    const picture = await new Jimp({ width: 640, height: 320, color: 0x3366ccff }).getBuffer('image/png');
    site = createServer((request, response) => {
      if (request.url === '/cover.png') {
        response.writeHead(200, { 'content-type': 'image/png' }).end(picture);
        return;
      }
      pageRequests++;
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(`<!doctype html><html><head><title>Fallback title</title>
        <meta content="Zapd &amp; friends" property="og:title">
        <meta property='og:description' content='Bots without a phone'>
        <meta property="og:image" content="/cover.png"></head><body>hello</body></html>`);
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
    // The page lives on loopback, which zapd refuses unless told otherwise.
    sandbox = await startSandbox('sqlite', { ZAPD_ALLOW_PRIVATE_MEDIA_URLS: 'true' });
    await sandbox.linkSession('main', ME);
    await sandbox.admin('POST', '/accounts', { phone: DANA, pushName: 'Dana' });
  });
  after(async () => {
    await sandbox.close();
    site.close();
  });

  test('a link in sendText arrives with the page title, description and a JPEG thumbnail', async () => {
    const link = `${origin}/article`;
    const sent = await send({ text: `read this: ${link}.` });
    assert.equal(sent.status, 201, JSON.stringify(sent.body));
    const seen = await danaReceived(sent.body.id);
    assert.equal(seen.text, `read this: ${link}.`);
    assert.deepEqual({ ...seen.linkPreview, thumbnailBytes: undefined }, { matchedText: link, title: 'Zapd & friends', description: 'Bots without a phone', thumbnailBytes: undefined, highQuality: null });
    assert.ok((seen.linkPreview?.thumbnailBytes ?? 0) > 100, 'a thumbnail was attached');
  });

  test('linkPreview: false sends the bare text without fetching the page', async () => {
    const before = pageRequests;
    const sent = await send({ text: `no preview ${origin}/quiet`, linkPreview: false });
    assert.equal(sent.status, 201, JSON.stringify(sent.body));
    const seen = await danaReceived(sent.body.id);
    assert.equal(seen.linkPreview, null);
    assert.equal(pageRequests, before);
  });

  test('an unreachable link still sends the text, without a preview', async () => {
    const sent = await send({ text: 'gone: http://127.0.0.1:1/nothing-here' });
    assert.equal(sent.status, 201, JSON.stringify(sent.body));
    assert.equal((await danaReceived(sent.body.id)).linkPreview, null);
  });

  test('send/link-custom-preview sends the preview as described', async () => {
    const image = (await new Jimp({ width: 100, height: 50, color: 0xff0000ff }).getBuffer('image/jpeg')).toString('base64');
    const sent = await sandbox.zapd.api<{ id: string }>('POST', '/api/send/link-custom-preview', {
      session: 'main',
      chatId: DANA,
      text: 'custom https://example.org/custom',
      preview: { url: 'https://example.org/custom', title: 'Custom', description: 'Described by hand', image: { mimetype: 'image/jpeg', data: image } },
    });
    assert.equal(sent.status, 201, JSON.stringify(sent.body));
    const seen = await danaReceived(sent.body.id);
    assert.equal(seen.linkPreview?.title, 'Custom');
    assert.equal(seen.linkPreview?.description, 'Described by hand');
    assert.ok((seen.linkPreview?.thumbnailBytes ?? 0) > 100);
  });

  test('linkPreviewHighQuality uploads the page image whole for the large preview', async () => {
    const sent = await send({ text: `big picture ${origin}/hq`, linkPreviewHighQuality: true });
    assert.equal(sent.status, 201, JSON.stringify(sent.body));
    const seen = await danaReceived(sent.body.id);
    assert.ok(seen.linkPreview?.highQuality, 'the preview points at an uploaded image');
    assert.ok((seen.linkPreview?.thumbnailBytes ?? 0) > 100, 'and still has the inline thumbnail');
  });

  test('reply honours linkPreview as sendText does, and an edit gets the preview of its new link', async () => {
    const original = await send({ text: 'first words', linkPreview: false });
    const replied = await sandbox.zapd.api<{ id: string }>('POST', '/api/reply', { session: 'main', chatId: DANA, text: `see ${origin}/reply`, reply_to: original.body.id });
    assert.equal(replied.status, 201, JSON.stringify(replied.body));
    assert.equal((await danaReceived(replied.body.id)).linkPreview?.title, 'Zapd & friends');
    const quiet = await sandbox.zapd.api<{ id: string }>('POST', '/api/reply', { session: 'main', chatId: DANA, text: `see ${origin}/reply-quiet`, reply_to: original.body.id, linkPreview: false });
    assert.equal((await danaReceived(quiet.body.id)).linkPreview, null);
    const edited = await sandbox.zapd.api('PUT', `/api/main/chats/${DANA}@c.us/messages/${original.body.id}`, { text: `now with ${origin}/edited` });
    assert.equal(edited.status, 200, JSON.stringify(edited.body));
    const seenEdit = await waitFor('dana to see the edit', async () =>
      (await sandbox.admin<ContactMessage[]>('GET', `/accounts/${DANA}/messages`)).find((message) => message.edited && message.text === `now with ${origin}/edited`),
    );
    assert.equal(seenEdit.linkPreview?.title, 'Zapd & friends');
  });

  test('a custom preview image is resized to the thumbnail, and sent whole with linkPreviewHighQuality', async () => {
    const large = await new Jimp({ width: 1600, height: 800, color: 0x22aa66ff }).getBuffer('image/jpeg');
    const body = (highQuality: boolean) => ({
      session: 'main',
      chatId: DANA,
      text: `custom ${highQuality ? 'hq ' : ''}https://example.org/large`,
      preview: { url: 'https://example.org/large', title: 'Large', image: { mimetype: 'image/jpeg', data: large.toString('base64') } },
      linkPreviewHighQuality: highQuality,
    });
    const small = await sandbox.zapd.api<{ id: string }>('POST', '/api/send/link-custom-preview', body(false));
    assert.equal(small.status, 201, JSON.stringify(small.body));
    const seenSmall = await danaReceived(small.body.id);
    assert.ok((seenSmall.linkPreview?.thumbnailBytes ?? 0) > 100 && (seenSmall.linkPreview?.thumbnailBytes ?? 0) < large.length / 2, `a thumbnail, not the ${large.length}-byte original`);
    assert.equal(seenSmall.linkPreview?.highQuality, null);
    const whole = await sandbox.zapd.api<{ id: string }>('POST', '/api/send/link-custom-preview', body(true));
    assert.equal(whole.status, 201, JSON.stringify(whole.body));
    assert.ok((await danaReceived(whole.body.id)).linkPreview?.highQuality);
    const notImage = await sandbox.zapd.api('POST', '/api/send/link-custom-preview', { ...body(false), preview: { url: 'https://example.org/x', title: 'X', image: { mimetype: 'image/jpeg', data: Buffer.from('no picture').toString('base64') } } });
    assert.equal(notImage.status, 422, JSON.stringify(notImage.body));
  });
});
