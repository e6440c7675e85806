import { randomUUID } from 'node:crypto';

/** WAHA's event names; `*` subscribes to all of them. */
export const EVENT_NAMES = [
  'session.status',
  'message',
  'message.any',
  'message.ack',
  'message.reaction',
  'message.revoked',
  'message.edited',
  'message.waiting',
  'state.change',
  'group.join',
  'group.leave',
  'group.v2.join',
  'group.v2.leave',
  'group.v2.update',
  'group.v2.participants',
  'presence.update',
  'poll.vote',
  'poll.vote.failed',
  'chat.archive',
  'call.received',
  'call.accepted',
  'call.rejected',
  'label.upsert',
  'label.deleted',
  'label.chat.added',
  'label.chat.deleted',
  'engine.event',
] as const;

export type EventName = (typeof EVENT_NAMES)[number];

export interface EventMe {
  id: string;
  pushName?: string;
  lid?: string;
}

/** The envelope WAHA sends to webhooks and WebSocket clients, field for field. */
export interface ZapdEvent {
  id: string;
  timestamp: number;
  event: EventName;
  session: string;
  me: EventMe | null;
  /** The session config's `metadata`, echoed so receivers can route events without a lookup. */
  metadata?: Record<string, string>;
  payload: unknown;
  engine: 'NOWEB';
  environment: { version: string; engine: 'NOWEB'; tier: 'CORE'; browser: null };
}

export type EventListener = (event: ZapdEvent) => void | Promise<void>;

export function isEventName(value: string): value is EventName {
  return (EVENT_NAMES as readonly string[]).includes(value);
}

/**
 * In-process fan-out of engine events to the store, the delivery outbox and WebSocket clients.
 * Listeners run in subscription order; a failing listener is reported and never stops the others.
 */
export class EventBus {
  private readonly listeners = new Set<EventListener>();

  constructor(
    private readonly version = '0.0.0',
    private readonly onListenerError: (error: unknown, event: ZapdEvent) => void = () => {},
  ) {}

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Wraps a payload in WAHA's envelope and hands it to every listener; resolves when all have run. */
  async publish(
    session: string,
    event: EventName,
    payload: unknown,
    me: EventMe | null,
    metadata?: Record<string, string>,
  ): Promise<ZapdEvent> {
    const envelope: ZapdEvent = {
      id: `evt_${randomUUID().replaceAll('-', '')}`,
      timestamp: Date.now(),
      event,
      session,
      me,
      ...(metadata ? { metadata } : {}),
      payload,
      engine: 'NOWEB',
      environment: { version: this.version, engine: 'NOWEB', tier: 'CORE', browser: null },
    };
    for (const listener of this.listeners) {
      try {
        await listener(envelope);
      } catch (error) {
        this.onListenerError(error, envelope);
      }
    }
    return envelope;
  }
}
