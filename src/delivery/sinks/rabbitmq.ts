// RabbitMQ: a durable topic exchange, routing key `<session>.<event>`, persistent messages on a
// confirm channel, so a row counts as delivered only once the broker has confirmed it.
import amqp, { type ChannelModel, type ConfirmChannel } from 'amqplib';
import type { Logger } from 'pino';
import { errorText, sinkTarget, routingToken, withTimeout, type Sink, type SinkMessage } from './sink.ts';
import { LazyLink } from './lazy-link.ts';

export interface RabbitMqSinkOptions {
  url: string;
  exchange: string;
  logger: Logger;
  connectTimeoutMs: number;
}

interface Link {
  model: ChannelModel;
  channel: ConfirmChannel;
}

export class RabbitMqSink implements Sink {
  readonly kind = 'rabbitmq' as const;
  readonly target: string;
  private readonly link: LazyLink<Link>;

  constructor(private readonly options: RabbitMqSinkOptions) {
    this.target = sinkTarget('rabbitmq', options.exchange);
    this.link = new LazyLink({ name: 'RabbitMQ', target: this.target, logger: options.logger, open: (forget) => this.open(forget) });
  }

  async publish(message: SinkMessage, timeoutMs: number): Promise<void> {
    const { channel } = await withTimeout(this.link.get(), timeoutMs, 'connecting to RabbitMQ');
    const routingKey = `${routingToken(message.session)}.${message.event}`;
    const confirmed = new Promise<void>((resolve, reject) => {
      channel.publish(
        this.options.exchange,
        routingKey,
        Buffer.from(message.body),
        { persistent: true, contentType: 'application/json', messageId: message.id, type: message.event, appId: 'zapd', headers: { session: message.session } },
        (error: unknown) => (error ? reject(new Error(`RabbitMQ did not confirm the message: ${errorText(error)}`)) : resolve()),
      );
    });
    await withTimeout(confirmed, timeoutMs, 'RabbitMQ publisher confirm');
  }

  async close(): Promise<void> {
    const opened = await this.link.take(true);
    await opened?.model.close().catch(() => undefined);
  }

  /** `forget` drops this link, so that the next publish opens a new one. */
  private async open(forget: () => void): Promise<Link> {
    const model = await amqp.connect(this.options.url, { timeout: this.options.connectTimeoutMs, clientProperties: { connection_name: 'zapd' } });
    // Without 'error' listeners an emitted error would be thrown and crash the process.
    model.on('error', (error: Error) => this.options.logger.warn({ sink: this.target, error: errorText(error) }, 'RabbitMQ connection error'));
    model.on('close', forget);
    try {
      const channel = await model.createConfirmChannel();
      channel.on('error', (error: Error) => this.options.logger.warn({ sink: this.target, error: errorText(error) }, 'RabbitMQ channel error'));
      // A channel closed by the broker (say, the exchange was declared with other options) is
      // useless while its connection lives on: drop both and open anew next time.
      channel.on('close', () => {
        forget();
        void model.close().catch(() => undefined);
      });
      await channel.assertExchange(this.options.exchange, 'topic', { durable: true });
      if (this.link.isClosed) throw new Error('the RabbitMQ sink is closed');
      return { model, channel };
    } catch (error) {
      await model.close().catch(() => undefined);
      throw error;
    }
  }
}
