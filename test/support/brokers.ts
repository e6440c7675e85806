// Readers of the machine's real brokers for the sink tests: what arrived, under unique names per
// run (parallel runs of other engineers share these brokers), and the clean-up of those names.
import { randomBytes } from 'node:crypto';
import amqp from 'amqplib';
import { connect as natsConnect } from 'nats';
import { Redis } from 'ioredis';

export const RABBITMQ_PORT = 5672;
export const NATS_PORT = 4222;
export const REDIS_PORT = 6379;
export const rabbitmqUrl = (port = RABBITMQ_PORT) => `amqp://guest:guest@127.0.0.1:${port}`;
export const natsUrl = (port = NATS_PORT) => `nats://127.0.0.1:${port}`;
export const redisUrl = (port = REDIS_PORT) => `redis://127.0.0.1:${port}`;

/** A name no other run uses: `<prefix>_<pid>_<random>`. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
}

/** One message as it came out of a broker. */
export interface BrokerMessage {
  /** Routing key, subject, or (Redis) the `event` field. */
  key: string;
  body: string;
  /** The event id the broker carries beside the body (message id, Nats-Msg-Id, the `id` field). */
  id: string;
  extra: Record<string, string>;
  /** When it reached the broker, epoch ms: the consumer's clock (RabbitMQ), the broker's (NATS, Redis). */
  at: number;
}

export interface BrokerReader {
  /** Everything that arrived so far, in the broker's order. */
  messages(): Promise<BrokerMessage[]>;
  /** How many messages arrived so far, duplicates included: one cheap call to the broker. */
  count(): Promise<number>;
  /** Removes what the test created on the broker and disconnects. */
  cleanup(): Promise<void>;
}

/**
 * Declares the exchange and binds an exclusive queue to it (`#`) before zapd publishes anything.
 * `consumeLater` leaves the messages in the queue until `messages()` is first called (a benchmark
 * that must not spend its process's CPU on consuming while it measures).
 */
export async function readRabbitMq(exchange: string, options: { consumeLater?: boolean } = {}): Promise<BrokerReader> {
  const model = await amqp.connect(rabbitmqUrl());
  model.on('error', () => undefined);
  const channel = await model.createChannel();
  await channel.assertExchange(exchange, 'topic', { durable: true });
  const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
  await channel.bindQueue(queue, exchange, '#');
  const received: BrokerMessage[] = [];
  let consuming = false;
  const consume = () => {
    consuming = true;
    return channel.consume(
      queue,
      (message) => {
        if (!message) return;
        received.push({
          key: message.fields.routingKey,
          body: message.content.toString('utf8'),
          id: String(message.properties.messageId),
          extra: { deliveryMode: String(message.properties.deliveryMode), contentType: String(message.properties.contentType), type: String(message.properties.type) },
          at: Date.now(),
        });
      },
      { noAck: true },
    );
  };
  if (!options.consumeLater) await consume();
  return {
    async messages() {
      if (!consuming) {
        const { messageCount } = await channel.checkQueue(queue);
        await consume();
        while (received.length < messageCount) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return [...received];
    },
    count: async () => (consuming ? received.length : (await channel.checkQueue(queue)).messageCount),
    async cleanup() {
      await channel.deleteQueue(queue).catch(() => undefined);
      await channel.deleteExchange(exchange).catch(() => undefined);
      await model.close().catch(() => undefined);
    },
  };
}

/** Reads the stream zapd creates (or finds) by sequence number; deletes it at clean-up. */
export async function readNats(stream: string): Promise<BrokerReader> {
  const connection = await natsConnect({ servers: natsUrl() });
  const manager = await connection.jetstreamManager();
  const decoder = new TextDecoder();
  const received: BrokerMessage[] = [];
  let nextSeq = 1;
  return {
    async messages() {
      const info = await manager.streams.info(stream).catch(() => undefined);
      if (!info) return [...received];
      for (; nextSeq <= info.state.last_seq; nextSeq++) {
        const message = await manager.streams.getMessage(stream, { seq: nextSeq }).catch(() => undefined);
        if (!message) continue;
        received.push({ key: message.subject, body: decoder.decode(message.data), id: message.header.get('Nats-Msg-Id'), extra: { session: message.header.get('Zapd-Session'), event: message.header.get('Zapd-Event') }, at: message.time.getTime() });
      }
      return [...received];
    },
    count: async () => (await manager.streams.info(stream).catch(() => undefined))?.state.messages ?? 0,
    async cleanup() {
      await manager.streams.delete(stream).catch(() => undefined);
      await connection.close();
    },
  };
}

export async function readRedis(key: string): Promise<BrokerReader> {
  const client = new Redis(redisUrl(), { lazyConnect: true });
  client.on('error', () => undefined);
  await client.connect();
  return {
    async messages() {
      const entries = await client.xrange(key, '-', '+');
      return entries.map(([entryId, fields]) => {
        const map = new Map<string, string>();
        for (let index = 0; index + 1 < fields.length; index += 2) map.set(fields[index] ?? '', fields[index + 1] ?? '');
        return { key: map.get('event') ?? '', body: map.get('body') ?? '', id: map.get('id') ?? '', extra: { session: map.get('session') ?? '' }, at: Number(entryId.split('-')[0]) };
      });
    },
    count: () => client.xlen(key),
    async cleanup() {
      await client.del(key).catch(() => undefined);
      client.disconnect();
    },
  };
}
