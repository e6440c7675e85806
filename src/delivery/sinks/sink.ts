// What the dispatcher needs from a message broker: publish one outbox row, confirmed by the broker,
// or fail (a failed publish is a failed delivery attempt, retried with backoff like a webhook).
// Each sink connects lazily, reconnects after a loss, and never lets a broker error reach the
// process: an unhandled 'error' event or rejection would take zapd down with the broker.

export type SinkKind = 'rabbitmq' | 'nats' | 'redis';

export const SINK_KINDS: readonly SinkKind[] = ['rabbitmq', 'nats', 'redis'];

/** One event as a sink sends it: `body` is the webhook envelope, byte for byte. */
export interface SinkMessage {
  id: string;
  session: string;
  event: string;
  body: string;
}

export interface Sink {
  readonly kind: SinkKind;
  /**
   * The receiver URL its outbox rows carry, e.g. `rabbitmq:zapd.events`: lanes, leases, retries and
   * the deliveries list are keyed by it exactly as by a webhook's URL.
   */
  readonly target: string;
  /** Resolves once the broker has taken the message durably; rejects otherwise (within timeoutMs). */
  publish(message: SinkMessage, timeoutMs: number): Promise<void>;
  /** Closes the connection; a later publish would open a new one. */
  close(): Promise<void>;
}

/** The receiver URL of a sink's outbox rows: `rabbitmq:<exchange>`, `nats:<stream>`, `redis:<stream key>`. */
export function sinkTarget(kind: SinkKind, name: string): string {
  return `${kind}:${name}`;
}

export class SinkTimeoutError extends Error {}

/** Waits for `promise` at most `ms`; the work itself is not cancelled (the broker may still take it). */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new SinkTimeoutError(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * A session name as one token of a dotted routing key or subject. Session names the API accepts are
 * letters, digits, `_` and `-`, which pass unchanged; anything else (a `.` would split the token,
 * `*`, `>` and `#` are wildcards, whitespace is not allowed in a NATS subject) is written as `%XX`
 * of its UTF-8 bytes, and so is `%` itself, which keeps the mapping reversible.
 */
export function routingToken(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]/gu, (character) =>
    [...Buffer.from(character, 'utf8')].map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join(''),
  );
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message || error.name : String(error);
}
