import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AckOrder } from './ack-order.ts';

test('acks of a message still to be announced wait for it, then follow in order, each step once', () => {
  const emitted: number[] = [];
  const pending = new Set(['chat|A']);
  const order = new AckOrder<{ ack: number }>({ emit: (payload) => emitted.push(payload.ack), awaitsAnnouncement: (chat, id) => pending.has(`${chat}|${id}`) });
  order.ack('chat', 'A', { ack: 1 });
  order.ack('chat', 'A', { ack: 2 });
  assert.deepEqual(emitted, []);
  order.announced('chat', 'A');
  assert.deepEqual(emitted, [1, 2]);
  order.ack('chat', 'A', { ack: 2 });
  order.ack('chat', 'A', { ack: 1 });
  order.ack('chat', 'A', { ack: 3 });
  assert.deepEqual(emitted, [1, 2, 3], 'repeats and late lower steps are dropped');
  order.ack('chat', 'B', { ack: 2 });
  assert.deepEqual(emitted, [1, 2, 3, 2], 'a message nobody waits for is reported at once');
  order.ack('chat', 'B', { ack: 2 }, 'participant-1');
  assert.deepEqual(emitted, [1, 2, 3, 2, 2], 'steps count apart');
  order.close();
});

test('held acks are reported anyway when the announcement never comes', async () => {
  const emitted: number[] = [];
  const order = new AckOrder<{ ack: number }>({ emit: (payload) => emitted.push(payload.ack), awaitsAnnouncement: () => true, holdMs: 20 });
  order.ack('chat', 'C', { ack: 1 });
  await new Promise((resolve) => setTimeout(resolve, 60));
  assert.deepEqual(emitted, [1]);
});

test('one message named by phone number in one stanza and by LID in another is still one message', () => {
  const emitted: number[] = [];
  const order = new AckOrder<{ ack: number }>({ emit: (payload) => emitted.push(payload.ack), awaitsAnnouncement: () => false });
  order.ack('15550001111@s.whatsapp.net', 'D', { ack: 2 });
  order.ack('100000000000001@lid', 'D', { ack: 2 });
  order.ack('100000000000001@lid', 'D', { ack: 3 });
  order.ack('15550001111@s.whatsapp.net', 'D', { ack: 3 });
  assert.deepEqual(emitted, [2, 3], 'one DEVICE and one READ');
});
