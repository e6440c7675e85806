// What the sink end-to-end tests check of what each broker received: every message event once at
// least, and each chat's events in the order its contact sent them.
import assert from 'node:assert/strict';
import type { BrokerMessage } from './brokers.ts';

interface Envelope {
  id: string;
  event: string;
  session: string;
  timestamp: number;
  payload: { id?: string; from?: string; body?: string };
}

/** First arrival of each event id (at least once: a retry may publish an event again). */
export function distinctEvents(messages: BrokerMessage[]): Array<{ message: BrokerMessage; envelope: Envelope }> {
  const seen = new Set<string>();
  const result: Array<{ message: BrokerMessage; envelope: Envelope }> = [];
  for (const message of messages) {
    const envelope = JSON.parse(message.body) as Envelope;
    if (seen.has(envelope.id)) continue;
    seen.add(envelope.id);
    result.push({ message, envelope });
  }
  return result;
}

/**
 * Each chat's events must reach the sink in the order zapd published them: the order of their
 * envelope timestamps (set at publish), and exactly the order the webhook (an ordered lane on the
 * same outbox) got them in. Not the order the contacts sent them: WhatsApp may hand a message over
 * late (a retried decryption), and zapd publishes what it receives as it receives it.
 */
export function assertInOrderPerChat(sink: string, events: Array<{ envelope: Envelope }>, reference: Array<{ envelope: Envelope }>): void {
  const perChat = (list: Array<{ envelope: Envelope }>) => {
    const chats = new Map<string, Envelope[]>();
    for (const { envelope } of list) {
      if (envelope.event !== 'message') continue;
      const chat = envelope.payload.from ?? '';
      chats.set(chat, [...(chats.get(chat) ?? []), envelope]);
    }
    return chats;
  };
  const expected = perChat(reference);
  for (const [chat, envelopes] of perChat(events)) {
    for (let index = 1; index < envelopes.length; index++) {
      assert.ok(envelopes[index]!.timestamp >= envelopes[index - 1]!.timestamp, `${sink}: ${chat} got ${envelopes[index]!.payload.body} published before ${envelopes[index - 1]!.payload.body}`);
    }
    assert.deepEqual(envelopes.map((envelope) => envelope.id), (expected.get(chat) ?? []).map((envelope) => envelope.id), `${sink}: ${chat} in the webhook's order`);
  }
}

/** Counts the distinct message events of the burst that arrived. */
export function burstCount(events: Array<{ envelope: Envelope }>, label: string): number {
  return new Set(events.filter(({ envelope }) => envelope.event === 'message' && (envelope.payload.body ?? '').startsWith(`${label} `)).map(({ envelope }) => envelope.payload.id)).size;
}
