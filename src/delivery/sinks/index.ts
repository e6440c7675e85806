// The broker sinks the configuration asks for: as outbox receivers (what the recorder writes rows
// for) and as transports (what the dispatcher publishes those rows with).
import type { Logger } from 'pino';
import type { EventSinkSettings } from '../../config.ts';
import type { Receiver } from '../receivers.ts';
import { NatsSink } from './nats.ts';
import { RabbitMqSink } from './rabbitmq.ts';
import { RedisSink } from './redis.ts';
import { sinkTarget, withTimeout, type Sink } from './sink.ts';

/**
 * A broker that is down holds its rows: attempts never run out (the row stays pending, listed in
 * the deliveries view with its last error), and the wait between them stays short so that a
 * broker that comes back is caught up within half a minute.
 */
export const SINK_RETRIES: Receiver['retries'] = { policy: 'exponential', delaySeconds: 1, attempts: Number.MAX_SAFE_INTEGER, maxDelaySeconds: 30 };

function receiver(kind: Sink['kind'], name: string, events: string[]): Receiver {
  return { url: sinkTarget(kind, name), kind, events, hmacKey: null, retries: SINK_RETRIES, customHeaders: [] };
}

/** One receiver per configured sink, in a fixed order (rabbitmq, nats, redis). */
export function sinkReceivers(settings: EventSinkSettings): Receiver[] {
  return [
    ...(settings.rabbitmq ? [receiver('rabbitmq', settings.rabbitmq.exchange, settings.rabbitmq.events)] : []),
    ...(settings.nats ? [receiver('nats', settings.nats.stream, settings.nats.events)] : []),
    ...(settings.redis ? [receiver('redis', settings.redis.stream, settings.redis.events)] : []),
  ];
}

/** The sinks by target; none connects before its first publish. */
export function createSinks(settings: EventSinkSettings, logger: Logger): Map<string, Sink> {
  const connectTimeoutMs = settings.publishTimeoutMs;
  const sinks: Sink[] = [
    ...(settings.rabbitmq ? [new RabbitMqSink({ url: settings.rabbitmq.url, exchange: settings.rabbitmq.exchange, logger, connectTimeoutMs })] : []),
    ...(settings.nats ? [new NatsSink({ url: settings.nats.url, stream: settings.nats.stream, subjectPrefix: settings.nats.subjectPrefix, logger, connectTimeoutMs })] : []),
    ...(settings.redis ? [new RedisSink({ url: settings.redis.url, stream: settings.redis.stream, maxLen: settings.redis.maxLen, logger, connectTimeoutMs })] : []),
  ];
  return new Map(sinks.map((sink) => [sink.target, sink]));
}

/** Closes every sink; one whose broker does not answer is not waited for past a few seconds. */
export async function closeSinks(sinks: ReadonlyMap<string, Sink>): Promise<void> {
  await Promise.allSettled([...sinks.values()].map((sink) => withTimeout(sink.close(), 5000, `closing ${sink.target}`)));
}
