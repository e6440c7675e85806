// NATS JetStream: subject `<prefix>.<session>.<event>` in a stream created if missing (subjects
// `<prefix>.>`), each publish acknowledged by JetStream, with the event id as the message id so that
// JetStream drops the copy an at-least-once retry sends within its duplicate window.
import { connect, headers, type JetStreamClient, type NatsConnection } from 'nats';
import type { Logger } from 'pino';
import { errorText, sinkTarget, routingToken, withTimeout, type Sink, type SinkMessage } from './sink.ts';
import { LazyLink } from './lazy-link.ts';

export interface NatsSinkOptions {
  url: string;
  stream: string;
  subjectPrefix: string;
  logger: Logger;
  connectTimeoutMs: number;
}

interface Link {
  connection: NatsConnection;
  jetstream: JetStreamClient;
}

const STREAM_NOT_FOUND = 10059;
/** The client's code for a request nobody answered: no stream captures the subject. */
const NO_RESPONDERS = '503';

export class NatsSink implements Sink {
  readonly kind = 'nats' as const;
  readonly target: string;
  private readonly link: LazyLink<Link>;
  private readonly encoder = new TextEncoder();

  constructor(private readonly options: NatsSinkOptions) {
    this.target = sinkTarget('nats', options.stream);
    this.link = new LazyLink({ name: 'NATS', target: this.target, logger: options.logger, open: (forget) => this.open(forget) });
  }

  /** The subject an event goes to; see routingToken for what happens to unusual session names. */
  subjectOf(message: Pick<SinkMessage, 'session' | 'event'>): string {
    return `${this.options.subjectPrefix}.${routingToken(message.session)}.${message.event}`;
  }

  async publish(message: SinkMessage, timeoutMs: number): Promise<void> {
    const { jetstream } = await withTimeout(this.link.get(), timeoutMs, 'connecting to NATS');
    const meta = headers();
    meta.set('Zapd-Session', message.session);
    meta.set('Zapd-Event', message.event);
    try {
      // JetStream's own timeout: the client stops waiting for the ack, and the row is retried.
      await jetstream.publish(this.subjectOf(message), this.encoder.encode(message.body), { msgID: message.id, timeout: timeoutMs, headers: meta, expect: { streamName: this.options.stream } });
    } catch (error) {
      // No stream takes the subject (it was deleted): the next attempt connects anew, which
      // creates the stream again.
      if ((error as { code?: unknown }).code === NO_RESPONDERS) void this.reset();
      throw error;
    }
  }

  private async reset(): Promise<void> {
    const opened = await this.link.take(false);
    await opened?.connection.close().catch(() => undefined);
  }

  async close(): Promise<void> {
    const opened = await this.link.take(true);
    // Drain lets acks in flight arrive; a connection that cannot drain (the server is away) is closed.
    await withTimeout(opened?.connection.drain() ?? Promise.resolve(), 2000, 'NATS drain').catch(() => opened?.connection.close());
  }

  /** The client reconnects by itself after a loss, for ever; `forget` runs if it closes all the same. */
  private async open(forget: () => void): Promise<Link> {
    // noAsyncTraces: otherwise every publish captures a stack trace for an error it rarely has,
    // the largest part of the client's CPU per publish.
    const connection = await connect({ servers: this.options.url, name: 'zapd', timeout: this.options.connectTimeoutMs, reconnect: true, maxReconnectAttempts: -1, reconnectTimeWait: 500, noAsyncTraces: true });
    void connection.closed().then((error) => {
      forget();
      if (error && !this.link.isClosed) this.options.logger.warn({ sink: this.target, error: errorText(error) }, 'NATS connection closed');
    });
    void this.watch(connection);
    try {
      const manager = await connection.jetstreamManager({ timeout: this.options.connectTimeoutMs });
      try {
        await manager.streams.info(this.options.stream);
      } catch (error) {
        if ((error as { api_error?: { err_code?: number } }).api_error?.err_code !== STREAM_NOT_FOUND) throw error;
        await manager.streams.add({ name: this.options.stream, subjects: [`${this.options.subjectPrefix}.>`] });
      }
      if (this.link.isClosed) throw new Error('the NATS sink is closed');
      return { connection, jetstream: connection.jetstream({ timeout: this.options.connectTimeoutMs }) };
    } catch (error) {
      await connection.close().catch(() => undefined);
      throw error;
    }
  }

  /** Reports disconnects and reconnects once each (the client's status stream; errors never throw). */
  private async watch(connection: NatsConnection): Promise<void> {
    try {
      for await (const status of connection.status()) {
        if (status.type === 'disconnect' || status.type === 'reconnect') this.options.logger.info({ sink: this.target, status: status.type }, 'NATS connection status');
      }
    } catch {
      // The status stream ends with the connection.
    }
  }
}
