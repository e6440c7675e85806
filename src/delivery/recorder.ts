// Turns each published event into durable facts, in one transaction: the message store change it
// implies, and one outbox row (carrying the whole event) per webhook or broker sink that wants it.
import type { Config } from '../config.ts';
import type { EventBus, ZapdEvent } from '../events/bus.ts';
import { HISTORY_EVENT, type HistoryBatch, type Message, type MessageAck } from '../engine/dto.ts';
import type { OpenedStore } from '../store/index.ts';
import { ContactRepository } from '../store/contacts.ts';
import { chatOf, MessageRepository } from '../store/messages.ts';
import { textCodecFor } from '../store/text.ts';
import { isStoreUnavailable, retryWhileUnavailable } from '../store/unavailable.ts';
import { eventChat } from '../events/event-chat.ts';
import { Outbox } from './outbox.ts';
import { receiversFor } from './receivers.ts';
import { sinkReceivers } from './sinks/index.ts';
import { asRecord } from '../runtime/as-record.ts';


/** Events about one chat share a lane so they arrive in order; other events queue per session. */
export function laneOf(event: ZapdEvent): string {
  return `${event.session}|${eventChat(event.payload) ?? '-'}`;
}

/**
 * The batch cut where one message's events end: `message.any` and `message` of one message stay
 * together, so that a message is either recorded with both or announced by neither.
 */
function byMessage(batch: Pending[]): Pending[][] {
  const groups: Pending[][] = [];
  let lastKey: string | undefined;
  for (const pending of batch) {
    const { event } = pending;
    const id = asRecord(event.payload).id;
    const key = (event.event === 'message' || event.event === 'message.any') && typeof id === 'string' ? `${event.session}|${id}` : undefined;
    const last = groups.at(-1);
    if (last && key !== undefined && key === lastKey) last.push(pending);
    else groups.push([pending]);
    lastKey = key;
  }
  return groups;
}

export interface Recorder {
  /** Stops taking events and waits for the ones already taken to be written. */
  stop(): Promise<void>;
}

const BATCH = 200;

interface Pending {
  event: ZapdEvent;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export function subscribeRecorder(options: { bus: EventBus; store: OpenedStore; config: Config; onEnqueued: (lanes: Set<string>) => void }): Recorder {
  const { bus, store, config } = options;
  // Lanes are made of chat ids, which WhatsApp controls.
  const text = textCodecFor(store.kind);
  const sinks = sinkReceivers(config.eventSinks);
  // Events are written in publish order (outbox sequence numbers keep each lane in order), and
  // whatever queued up while a transaction ran goes into the next one together.
  const queue: Pending[] = [];
  let draining: Promise<void> | undefined;
  const drain = (): Promise<void> =>
    (draining ??= (async () => {
      // Waiting for the end of this turn of the event loop lets events published in it (message.any
      // and message for one message, the acks of frames read together, several sessions at once)
      // share a transaction.
      await new Promise((resolve) => setImmediate(resolve));
      while (queue.length > 0) await recordInOrder(queue.splice(0, BATCH));
    })().finally(() => {
      draining = undefined;
    }));
  // Durable: an event this fails to record is not published (the engine then withholds its ack).
  const unsubscribe = bus.subscribe(
    (event) =>
      new Promise<void>((resolve, reject) => {
        queue.push({ event, resolve, reject });
        void drain();
      }),
    { durable: true },
  );
  return {
    async stop() {
      unsubscribe();
      while (draining) await draining;
    },
  };

  /**
   * A lost connection is retried (the pool reconnects); a batch that fails for another reason is
   * written again one message at a time, so a single message the store refuses fails alone.
   */
  async function recordInOrder(batch: Pending[]): Promise<void> {
    try {
      await retryWhileUnavailable(() => recordBatch(batch.map((pending) => pending.event)));
      for (const pending of batch) pending.resolve();
      return;
    } catch (error) {
      if (batch.length === 1 || isStoreUnavailable(error)) {
        for (const pending of batch) pending.reject(error);
        return;
      }
    }
    for (const group of byMessage(batch)) {
      try {
        await retryWhileUnavailable(() => recordBatch(group.map((pending) => pending.event)));
        for (const pending of group) pending.resolve();
      } catch (error) {
        for (const pending of group) pending.reject(error);
      }
    }
  }

  async function recordBatch(events: ZapdEvent[]): Promise<void> {
    const configs = new Map<string, Record<string, unknown> | undefined>();
    for (const event of events) {
      if (!configs.has(event.session)) configs.set(event.session, (await store.sessions.get(event.session))?.config);
    }
    const enqueuedLanes = new Set<string>();
    await store.db.transaction().execute(async (trx) => {
      for (const event of events) {
        const receivers = receiversFor(event.event, configs.get(event.session), config.webhook, sinks);
        const body = JSON.stringify(event);
        if (event.event === 'message.any') {
          const message = event.payload as Message;
          await MessageRepository.save(trx, event.session, message);
          const pushName = (message._data as { pushName?: unknown } | null)?.pushName;
          const sender = message.participant ?? message.from;
          if (!message.fromMe && typeof pushName === 'string' && sender.endsWith('@c.us')) await ContactRepository.remember(trx, event.session, sender, pushName);
        }
        if (event.event === 'engine.event') {
          const engineEvent = asRecord(event.payload);
          if (engineEvent.event === HISTORY_EVENT) await MessageRepository.saveHistory(trx, event.session, engineEvent.data as HistoryBatch);
        }
        if (event.event === 'message.ack') {
          const ack = event.payload as MessageAck;
          await MessageRepository.ack(trx, event.session, chatOf(ack), ack.id, ack.ack);
        }
        const rows = receivers.map((receiver) => ({ eventId: event.id, session: event.session, lane: text.store(`${receiver.url}|${laneOf(event)}`), receiver, body }));
        await Outbox.enqueue(trx, rows);
        for (const row of rows) enqueuedLanes.add(row.lane);
      }
    });
    if (enqueuedLanes.size > 0) options.onEnqueued(enqueuedLanes);
  }
}
