// A broker connection opened on first use and opened again after it is lost: what every sink whose
// client does not reconnect by itself needs. A failed open is forgotten (the next publish tries
// again) and logged; once closed, no new connection is opened.
import type { Logger } from 'pino';
import { errorText } from './sink.ts';

export class LazyLink<Link> {
  private current: Promise<Link> | undefined;
  private closed = false;

  /** `open` gets a `forget` to call when the connection it made is lost. */
  constructor(
    private readonly options: { name: string; target: string; logger: Logger; open: (forget: () => void) => Promise<Link> },
  ) {}

  get isClosed(): boolean {
    return this.closed;
  }

  get(): Promise<Link> {
    if (this.closed) return Promise.reject(new Error(`the ${this.options.name} sink is closed`));
    if (this.current) return this.current;
    const link: Promise<Link> = this.options.open(() => {
      if (this.current === link) this.current = undefined;
    });
    this.current = link;
    link.catch((error: unknown) => {
      if (this.current === link) this.current = undefined;
      this.options.logger.warn({ sink: this.options.target, error: errorText(error) }, `could not connect to ${this.options.name}`);
    });
    return link;
  }

  /** Drops the connection (the next get opens a new one), or with `close` for good; resolves with it, if it had opened. */
  async take(close: boolean): Promise<Link | undefined> {
    if (close) this.closed = true;
    const link = this.current;
    this.current = undefined;
    return link?.catch(() => undefined);
  }
}
