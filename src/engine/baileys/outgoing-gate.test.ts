// The gate holds outgoing frames (acks among them) while a received message is not recorded; a
// message that could not be recorded abandons it, and nothing held, nor sent later, goes out.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OutgoingGate } from './outgoing-gate.ts';

const gateWith = () => {
  const events: string[] = [];
  const gate = new OutgoingGate({ onHold: () => events.push('hold'), onDrained: async () => void events.push('drained') });
  const send = (name: string) => gate.send(() => events.push(`sent ${name}`));
  return { gate, events, send };
};

test('held frames go out once every waiting message is recorded', async () => {
  const { gate, events, send } = gateWith();
  gate.hold('A');
  send('ack A');
  assert.equal(gate.isHolding('A'), true);
  gate.release('A');
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(events, ['hold', 'drained', 'sent ack A']);
  assert.equal(gate.isHolding('A'), false);
});

test('an abandoned gate sends nothing held and nothing later', async () => {
  const { gate, events, send } = gateWith();
  gate.hold('A');
  gate.hold('B');
  send('ack A');
  gate.release('A');
  gate.abandon();
  send('later');
  gate.release('B');
  gate.hold('C');
  gate.open();
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(events, ['hold']);
  assert.equal(gate.isHolding('B'), false);
});
