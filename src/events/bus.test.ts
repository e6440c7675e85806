// A durable listener (the recorder) decides whether an event was published: its failure reaches
// the publisher, which must then not acknowledge the message. Other listeners' failures do not.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EventBus } from './bus.ts';

test('a failing durable listener rejects publish and the listeners after it are not told', async () => {
  const reported: unknown[] = [];
  const bus = new EventBus('1.0.0', (error) => reported.push(error));
  const told: string[] = [];
  bus.subscribe(() => {
    told.push('first');
  });
  bus.subscribe(
    () => {
      throw new Error('not recorded');
    },
    { durable: true },
  );
  bus.subscribe(() => {
    told.push('after');
  });
  await assert.rejects(bus.publish('s', 'message', {}, null), /not recorded/);
  assert.deepEqual(told, ['first']);
  assert.deepEqual(reported, [], 'the publisher handles it, not the bus');
});

test('other failing listeners are reported and the rest still run', async () => {
  const reported: unknown[] = [];
  const bus = new EventBus('1.0.0', (error) => reported.push(error));
  const told: string[] = [];
  bus.subscribe(() => Promise.reject(new Error('websocket gone')));
  bus.subscribe(() => {
    told.push('recorded');
  }, { durable: true });
  const envelope = await bus.publish('s', 'message', { id: 'x' }, null);
  assert.equal(envelope.event, 'message');
  assert.deepEqual(told, ['recorded']);
  assert.equal(reported.length, 1);
});
