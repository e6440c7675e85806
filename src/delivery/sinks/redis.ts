// Redis Streams: XADD to one stream key, trimmed approximately (MAXLEN ~) so it cannot grow without
// bound; fields event, session, id and body (the webhook envelope).
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { errorText, sinkTarget, withTimeout, type Sink, type SinkMessage } from './sink.ts';

export interface RedisSinkOptions {
  url: string;
  stream: string;
  maxLen: number;
  logger: Logger;
  connectTimeoutMs: number;
}

export class RedisSink implements Sink {
  readonly kind = 'redis' as const;
  readonly target: string;
  private client: Redis | undefined;
  private connecting: Promise<Redis> | undefined;
  private closed = false;

  constructor(private readonly options: RedisSinkOptions) {
    this.target = sinkTarget('redis', options.stream);
  }

  async publish(message: SinkMessage, timeoutMs: number): Promise<void> {
    const client = await withTimeout(this.connected(), timeoutMs, 'connecting to Redis');
    const add = client.xadd(this.options.stream, 'MAXLEN', '~', this.options.maxLen, '*', 'event', message.event, 'session', message.session, 'id', message.id, 'body', message.body);
    await withTimeout(add, timeoutMs, 'Redis XADD');
  }

  async close(): Promise<void> {
    this.closed = true;
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    // QUIT lets replies in flight arrive; a client that cannot reach the server is just dropped.
    if (client.status === 'ready') await withTimeout(client.quit(), 2000, 'Redis QUIT').catch(() => client.disconnect());
    else client.disconnect();
  }

  private connected(): Promise<Redis> {
    if (this.closed) return Promise.reject(new Error('the Redis sink is closed'));
    // 'end': the client gave up (or was told to quit); a new one starts over.
    if (this.client?.status === 'end') {
      this.client = undefined;
      this.connecting = undefined;
    }
    const client = (this.client ??= this.create());
    if (client.status === 'ready') return Promise.resolve(client);
    // ioredis reconnects by itself after a loss; only the first connection is ours to start.
    if (client.status === 'wait') {
      this.connecting ??= client.connect().then(
        () => client,
        (error: unknown) => {
          this.connecting = undefined;
          throw error;
        },
      );
      return this.connecting;
    }
    return Promise.reject(new Error(`Redis is not connected (${client.status})`));
  }

  private create(): Redis {
    const client = new Redis(this.options.url, {
      lazyConnect: true,
      connectTimeout: this.options.connectTimeoutMs,
      // While disconnected a command fails at once (a failed attempt, retried by the outbox) instead
      // of waiting in a queue and landing later, after the retry: fewer duplicates, no reordering.
      enableOfflineQueue: false,
      autoResendUnfulfilledCommands: false,
      maxRetriesPerRequest: 0,
      retryStrategy: (times) => Math.min(100 * times, 2000),
    });
    // Without an 'error' listener ioredis prints every failed reconnect; with one, we decide.
    let lastError = '';
    client.on('error', (error: Error) => {
      const text = errorText(error);
      if (text !== lastError) this.options.logger.warn({ sink: this.target, error: text }, 'Redis connection error');
      lastError = text;
    });
    client.on('ready', () => {
      lastError = '';
    });
    return client;
  }
}
