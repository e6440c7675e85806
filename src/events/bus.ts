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

export interface SubscribeOptions {
  /**
   * The listener makes the event durable (the recorder). When it fails the event counts as not
   * published: the listeners after it are not told, and `publish` rejects with its error, so the
   * engine does not acknowledge to WhatsApp a message that was not recorded.
   */
  durable?: boolean;
}

/**
 * In-process fan-out of engine events to the store, the delivery outbox and WebSocket clients.
 * Listeners run in subscription order; a failing listener is reported and never stops the others,
 * except a durable one (see SubscribeOptions).
 */
export class EventBus {
  private readonly listeners = new Map<EventListener, SubscribeOptions>();

  constructor(
    private readonly version = '0.0.0',
    private readonly onListenerError: (error: unknown, event: ZapdEvent) => void = () => {},
  ) {}

  subscribe(listener: EventListener, options: SubscribeOptions = {}): () => void {
    this.listeners.set(listener, options);
    return () => this.listeners.delete(listener);
  }

  /**
   * Wraps a payload in WAHA's envelope and hands it to every listener; resolves when all have run.
   * Rejects when a durable listener failed (the event was not recorded).
   */
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
    for (const [listener, options] of this.listeners) {
      try {
        await listener(envelope);
      } catch (error) {
        if (options.durable) throw error;
        this.onListenerError(error, envelope);
      }
    }
    return envelope;
  }
}
