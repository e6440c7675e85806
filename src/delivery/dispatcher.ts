// Posts outbox rows to their webhooks: at least once, in order per lane, many lanes at a time.
// Requests never hold up the session: publishing only writes rows and wakes this loop.
import { createHmac, randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { request } from 'undici';
import type { Outbox, OutboxRow } from './outbox.ts';
import { retryDelaySeconds } from './receivers.ts';

export interface DispatcherOptions {
  outbox: Outbox;
  logger: Logger;
  version: string;
  /** How many deliveries may be in flight at once (each on its own lane). */
  concurrency?: number;
  requestTimeoutMs?: number;
  pollIntervalMs?: number;
  /** Told about each attempt: how it ended and how long it took. */
  onAttempt?: (result: 'delivered' | 'failed' | 'dead', seconds: number) => void;
}

export function signBody(body: string, key: string): string {
  return createHmac('sha512', key).update(body).digest('hex');
}

export class Dispatcher {
  private readonly worker = `zapd-${process.pid}-${randomBytes(4).toString('hex')}`;
  private readonly inFlight = new Map<number, Promise<void>>();
  private readonly inFlightByReceiver = new Map<string, number>();
  private readonly inFlightLanes = new Set<string>();
  /** Lanes where rows may have become claimable, from enqueues and finished deliveries. */
  private readonly hintedLanes = new Set<string>();
  private fullScanDue = true;
  private lastFullScanAt = 0;
  /** Slots always left for receivers other than a busy one (see receiverShare). */
  private readonly reserved: number;
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private pumping: Promise<void> | undefined;
  private again = false;
  private readonly concurrency: number;
  private readonly timeoutMs: number;
  private readonly pollMs: number;

  constructor(private readonly options: DispatcherOptions) {
    this.concurrency = options.concurrency ?? 32;
    this.reserved = Math.max(1, Math.floor(this.concurrency / 4));
    this.timeoutMs = options.requestTimeoutMs ?? 10_000;
    this.pollMs = options.pollIntervalMs ?? 500;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.wake();
  }

  /**
   * Looks for due rows now: in the given lanes (where rows were just enqueued), or everywhere
   * (rows from other nodes, retries coming due; also the poll timer's call).
   */
  wake(lanes?: Iterable<string>): void {
    if (lanes) for (const lane of lanes) this.hintedLanes.add(lane);
    else this.fullScanDue = true;
    this.schedule();
  }

  private schedule(): void {
    if (!this.running) return;
    if (this.pumping) {
      this.again = true;
      return;
    }
    // Starting at the end of this event-loop turn lets the deliveries that finished in it share one claim.
    this.pumping = new Promise((resolve) => setImmediate(resolve)).then(() => this.pump()).finally(() => {
      this.pumping = undefined;
      if (this.again) {
        this.again = false;
        this.schedule();
      } else if (this.running) {
        clearTimeout(this.timer);
        this.timer = setTimeout(() => this.wake(), this.pollMs);
      }
    });
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    await this.pumping;
    await Promise.allSettled(this.inFlight.values());
  }

  /**
   * How many slots one receiver may hold: all but the reserved ones while it is the only one busy
   * (a lone webhook keeps most of the parallelism), an equal part once several are, never fewer
   * than the reserve. A receiver may briefly exceed it by one claim's worth.
   */
  private receiverShare(): number {
    const busy = this.inFlightByReceiver.size;
    if (busy <= 1) return Math.max(1, this.concurrency - this.reserved);
    return Math.max(this.reserved, Math.floor(this.concurrency / busy));
  }

  /**
   * Claims a few rows at a time and skips receivers that already hold their share of the slots:
   * otherwise a slow or hanging receiver with many chats fills every slot and the others wait.
   * Where rows appeared is usually known (an enqueue, a delivery that moved its lane on), and
   * claiming those lanes costs a seek each; the scan over every lane runs when asked for and at
   * least every poll interval, so rows nobody hinted at (other nodes', retries) are not starved.
   */
  private async pump(): Promise<void> {
    for (;;) {
      const free = this.concurrency - this.inFlight.size;
      if (free <= 0) return;
      const share = this.receiverShare();
      const batch = Math.min(free, share);
      const saturated = [...this.inFlightByReceiver].filter(([, count]) => count >= share).map(([url]) => url);
      const fullScan = this.fullScanDue || performance.now() - this.lastFullScanAt >= this.pollMs;
      let lanes: string[] = [];
      if (fullScan) {
        this.fullScanDue = false;
        this.lastFullScanAt = performance.now();
        // The scan covers every hinted lane but those of receivers it skips.
        for (const lane of this.hintedLanes) if (!saturated.some((url) => lane.startsWith(`${url}|`))) this.hintedLanes.delete(lane);
      } else {
        // A lane in flight has its head out; the delivery's end hints it again.
        for (const lane of this.inFlightLanes) this.hintedLanes.delete(lane);
        lanes = [...this.hintedLanes].filter((lane) => !saturated.some((url) => lane.startsWith(`${url}|`))).slice(0, batch);
        if (lanes.length === 0) return;
        for (const lane of lanes) this.hintedLanes.delete(lane);
      }
      let rows: OutboxRow[];
      try {
        rows = fullScan ? await this.options.outbox.claim(this.worker, batch, this.timeoutMs * 3, saturated) : await this.options.outbox.claimLanes(this.worker, lanes, this.timeoutMs * 3);
      } catch (error) {
        this.options.logger.warn({ err: error }, 'could not read the webhook outbox');
        this.fullScanDue = true;
        return;
      }
      for (const row of rows) {
        if (this.inFlight.has(row.seq)) continue;
        const url = row.receiver.url;
        this.inFlightByReceiver.set(url, (this.inFlightByReceiver.get(url) ?? 0) + 1);
        this.inFlightLanes.add(row.lane);
        const delivery = this.deliver(row).finally(() => {
          this.inFlight.delete(row.seq);
          this.inFlightLanes.delete(row.lane);
          const left = (this.inFlightByReceiver.get(url) ?? 1) - 1;
          if (left > 0) this.inFlightByReceiver.set(url, left);
          else this.inFlightByReceiver.delete(url);
          this.wake([row.lane]);
        });
        this.inFlight.set(row.seq, delivery);
      }
      if (fullScan && rows.length < batch) return;
    }
  }

  private async deliver(row: OutboxRow): Promise<void> {
    const { receiver } = row;
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': `zapd/${this.options.version}`,
      'x-webhook-request-id': row.eventId,
      'x-webhook-timestamp': String(Date.now()),
    };
    if (receiver.hmacKey) {
      headers['x-webhook-hmac'] = signBody(row.body, receiver.hmacKey);
      headers['x-webhook-hmac-algorithm'] = 'sha512';
    }
    for (const header of receiver.customHeaders) headers[header.name] = header.value;
    let failure: string | undefined;
    const started = performance.now();
    try {
      // undici's request, not fetch: no WHATWG streams per call, which cost a tenth of the inbound path.
      const response = await request(receiver.url, { method: 'POST', headers, body: row.body, maxRedirections: 3, headersTimeout: this.timeoutMs, bodyTimeout: this.timeoutMs, signal: AbortSignal.timeout(this.timeoutMs) });
      await response.body.dump().catch(() => undefined);
      if (response.statusCode < 200 || response.statusCode >= 300) failure = `HTTP ${response.statusCode}`;
    } catch (error) {
      failure = error instanceof Error ? error.message : String(error);
    }
    try {
      const seconds = (performance.now() - started) / 1000;
      if (failure === undefined) {
        await this.options.outbox.delivered(row.seq);
        this.options.onAttempt?.('delivered', seconds);
        return;
      }
      const attempts = row.attempts + 1;
      const exhausted = attempts >= Math.max(1, receiver.retries.attempts);
      this.options.onAttempt?.(exhausted ? 'dead' : 'failed', seconds);
      const next = exhausted ? null : Date.now() + retryDelaySeconds(receiver.retries, attempts) * 1000;
      this.options.logger.warn({ url: receiver.url, event: row.eventId, attempts, error: failure, dead: exhausted }, 'webhook delivery failed');
      await this.options.outbox.failed(row.seq, attempts, next, failure);
    } catch (error) {
      // The lease runs out and the row is delivered again: at least once, never lost.
      this.options.logger.error({ err: error }, 'could not record a webhook delivery result');
    }
  }
}
