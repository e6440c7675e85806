import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { WAMessage } from 'baileys';
import { MAX_RELAYS, SentMessages } from './sent-messages.ts';

const message = (id: string): WAMessage => ({ key: { remoteJid: '15550001111@s.whatsapp.net', id, fromMe: true }, message: { conversation: id } });

test('a sent message is recorded once, whoever asks first; a failed recording may be tried again', async () => {
  const sent = new SentMessages();
  let recordings = 0;
  const record = async () => {
    recordings += 1;
  };
  sent.sending('A');
  assert.equal(sent.awaitsAnnouncement('A'), true);
  await Promise.all([sent.announce('A', record), sent.announce('A', record)]);
  await sent.announce('A', record);
  assert.equal(recordings, 1);
  assert.equal(sent.awaitsAnnouncement('A'), false, 'its acks need not wait any more');

  sent.sending('B');
  await assert.rejects(sent.announce('B', () => Promise.reject(new Error('store down'))), /store down/);
  assert.equal(sent.awaitsAnnouncement('B'), true);
  await sent.announce('B', record);
  assert.equal(recordings, 2);
});

test('unconfirmed messages are relayed on each new connection, then given up; a confirmation ends it', async () => {
  const sent = new SentMessages();
  sent.handedOver(message('C'));
  sent.handedOver(message('D'));
  sent.confirmed('D');
  for (let connection = 2; connection <= MAX_RELAYS; connection++) {
    const { relay, givenUp } = sent.takeForNewConnection();
    assert.deepEqual(relay.map((entry) => entry.message.key.id), ['C']);
    assert.deepEqual(givenUp, []);
  }
  const last = sent.takeForNewConnection();
  assert.deepEqual(last.relay, []);
  assert.deepEqual(last.givenUp.map((entry) => entry.key.id), ['C']);
  assert.equal(sent.unconfirmedCount, 0);
});

test('settled waits for the last confirmation, or gives up after its time', async () => {
  const sent = new SentMessages();
  sent.handedOver(message('E'));
  const started = Date.now();
  setTimeout(() => sent.confirmed('E'), 30);
  await sent.settled(5_000);
  assert.ok(Date.now() - started < 2_000);
  sent.handedOver(message('F'));
  await sent.settled(30);
  assert.deepEqual(sent.takeAll().map((entry) => entry.key.id), ['F']);
});
