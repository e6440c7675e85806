import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { until } from './testing/until.ts';
import { startSimulator, type RunningSimulator } from './index.ts';
import { SimClient } from './testing/baileys-client.ts';

describe('simulator with plain Baileys clients', () => {
  let sim: RunningSimulator;
  let alice: SimClient;
  let bob: SimClient;
  before(async () => {
    sim = await startSimulator({ port: 0, logLevel: process.env.SIM_TEST_LOG ?? 'silent' });
  });
  after(async () => {
    await alice?.close();
    await bob?.close();
    await sim.stop();
  });

  test('two fresh clients pair by QR and reach open', async () => {
    const endpoint = { wsUrl: sim.wsUrl, rootPublicKey: sim.rootPublicKey };
    alice = new SimClient({ endpoint, onQr: (qr) => void sim.scan(qr, '15550001001') });
    bob = new SimClient({ endpoint, onQr: (qr) => void sim.scan(qr, '15550001002') });
    await Promise.all([alice.connect(), bob.connect()]);
    assert.equal(alice.phone, '15550001001');
    assert.equal(bob.phone, '15550001002');
  });

  test('text goes both ways, with delivery and read receipts', async () => {
    const sent = await alice.socket!.sendMessage(bob.jid, { text: 'hello bob' });
    const atBob = await until('bob receives', () => bob.received.find((message) => message.key?.id === sent?.key.id));
    assert.equal(atBob.message?.conversation ?? atBob.message?.extendedTextMessage?.text, 'hello bob');
    await until('delivery receipt at alice', () => alice.statusUpdates.some((update) => update.id === sent?.key.id && update.status >= 3));
    await bob.socket!.readMessages([atBob.key]);
    await until('read receipt at alice', () => alice.statusUpdates.some((update) => update.id === sent?.key.id && update.status >= 4));
    const reply = await bob.socket!.sendMessage(alice.jid, { text: 'hi alice' });
    const atAlice = await until('alice receives', () => alice.received.find((message) => message.key?.id === reply?.key.id));
    assert.equal(atAlice.message?.conversation ?? atAlice.message?.extendedTextMessage?.text, 'hi alice');
  });
});

describe('simulator media', () => {
  test('an image and a document travel encrypted through the media host', async () => {
    const sim = await startSimulator({ port: 0 });
    const endpoint = { wsUrl: sim.wsUrl, rootPublicKey: sim.rootPublicKey, tlsCertificate: sim.tlsCertificate };
    const erin = new SimClient({ endpoint, onQr: (qr) => void sim.scan(qr, '15550001101') });
    const finn = new SimClient({ endpoint, onQr: (qr) => void sim.scan(qr, '15550001102') });
    try {
      await Promise.all([erin.connect(), finn.connect()]);
      const picture = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
      const sent = await erin.socket!.sendMessage(finn.jid, { image: picture, mimetype: 'image/png', caption: 'a picture' });
      const received = await until('finn gets the image', () => finn.received.find((message) => message.key?.id === sent?.key.id));
      assert.equal(received.message?.imageMessage?.caption, 'a picture');
      const { downloadMediaMessage } = await import('baileys');
      const bytes = (await downloadMediaMessage(received, 'buffer', { options: finn.media!.downloadOptions })) as Buffer;
      assert.deepEqual(bytes, picture);
      const pdf = Buffer.from('%PDF-1.4 simulated');
      const doc = await finn.socket!.sendMessage(erin.jid, { document: pdf, mimetype: 'application/pdf', fileName: 'report.pdf' });
      const gotDoc = await until('erin gets the document', () => erin.received.find((message) => message.key?.id === doc?.key.id));
      assert.equal(gotDoc.message?.documentMessage?.fileName, 'report.pdf');
      assert.deepEqual((await downloadMediaMessage(gotDoc, 'buffer', { options: erin.media!.downloadOptions })) as Buffer, pdf);
    } finally {
      await erin.close();
      await finn.close();
      await sim.stop();
    }
  });
});
