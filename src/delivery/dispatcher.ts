// Posts outbox rows to their webhooks, or publishes them to their broker sinks: at least once, in
// order per lane, many lanes at a time. Requests never hold up the session: publishing an event
// only writes rows and wakes this loop.
import { createHmac, randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { request } from 'undici';
import type { Outbox, OutboxRow } from './outbox.ts';
import { retryDelaySeconds } from './receivers.ts';
import { errorText, withTimeout, type Sink } from './sinks/sink.ts';

export interface DispatcherOptions {
  outbox: Outbox;
  logger: Logger;
  version: string;
  /** How many deliveries may be in flight at once (each on its own lane). */
  concurrency?: number;
  requestTimeoutMs?: number;
  pollIntervalMs?: number;
  /** Broker sinks by target (a receiver's `url` when it has a `kind`); see sinks/index.ts. */
  sinks?: ReadonlyMap<string, Sink>;
  /** How long one broker publish may take; requestTimeoutMs when unset. */
  publishTimeoutMs?: number;
  /** Told about each attempt: how it ended, how long it took, and the sink's kind (none: a webhook). */
  onAttempt?: (result: 'delivered' | 'failed' | 'dead', seconds: number, sink?: Sink['kind']) => void;
}

export function signBody(body: string, key: string): string {
  return createHmac('sha512', key).update(body).digest('hex');
}

/** Lanes are `<receiver url>|<session>|<chat>`; neither a session name nor a chat id holds a `|`. */
function receiverOfLane(lane: string): string {
  return lane.slice(0, lane.lastIndexOf('|', lane.lastIndexOf('|') - 1));
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
  private readonly publishTimeoutMs: number;
  /** A lease outlives the longest attempt (a webhook request or a broker publish) well. */
  private readonly leaseMs: number;

  constructor(private readonly options: DispatcherOptions) {
    this.concurrency = options.concurrency ?? 32;
    this.reserved = Math.max(1, Math.floor(this.concurrency / 4));
    this.timeoutMs = options.requestTimeoutMs ?? 10_000;
    this.pollMs = options.pollIntervalMs ?? 500;
    this.publishTimeoutMs = options.publishTimeoutMs ?? this.timeoutMs;
    this.leaseMs = Math.max(this.timeoutMs, this.publishTimeoutMs) * 3;
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
   * than the reserve.
   */
  private receiverShare(): number {
    const busy = this.inFlightByReceiver.size;
    if (busy <= 1) return Math.max(1, this.concurrency - this.reserved);
    return Math.max(this.reserved, Math.floor(this.concurrency / busy));
  }

  /**
   * Claims rows while slots are free, never more for a receiver than its share: otherwise a slow or
   * hanging receiver with many chats fills every slot and the others wait. Where rows appeared is
   * usually known (an enqueue, a delivery that moved its lane on), and claiming those lanes costs a
   * seek each; the scan over every lane runs when asked for and at least every poll interval, so
   * rows nobody hinted at (other nodes', retries) are not starved. The scan takes the oldest heads
   * first, which are the lanes of receivers that fall behind: a hint is only dropped once a scan
   * has seen every due head, or a fast receiver's lanes would wait for the slow ones' progress.
   */
  private async pump(): Promise<void> {
    for (;;) {
      const free = this.concurrency - this.inFlight.size;
      if (free <= 0) return;
      const share = this.receiverShare();
      const room = new Map<string, number>();
      const roomOf = (url: string) => room.get(url) ?? share - (this.inFlightByReceiver.get(url) ?? 0);
      const fullScan = this.fullScanDue || performance.now() - this.lastFullScanAt >= this.pollMs;
      let rows: OutboxRow[];
      let exhausted = false;
      if (fullScan) {
        this.fullScanDue = false;
        this.lastFullScanAt = performance.now();
        const saturated = [...this.inFlightByReceiver.keys()].filter((url) => roomOf(url) <= 0);
        // Hints of the receivers the scan covers are taken out now and put back unless the scan saw
        // every due head: hints that arrive while it runs stay.
        const covered = [...this.hintedLanes].filter((lane) => !saturated.includes(receiverOfLane(lane)));
        for (const lane of covered) this.hintedLanes.delete(lane);
        const batch = Math.min(free, share);
        rows = await this.claimOrRecover(() => this.options.outbox.claim(this.worker, batch, this.leaseMs, saturated));
        exhausted = rows.length < batch;
        if (!exhausted) for (const lane of covered) this.hintedLanes.add(lane);
      } else {
        // A lane in flight has its head out; the delivery's end hints it again.
        for (const lane of this.inFlightLanes) this.hintedLanes.delete(lane);
        const lanes: string[] = [];
        for (const lane of this.hintedLanes) {
          if (lanes.length >= free) break;
          const url = receiverOfLane(lane);
          const left = roomOf(url);
          if (left <= 0) continue;
          room.set(url, left - 1);
          lanes.push(lane);
        }
        if (lanes.length === 0) return;
        for (const lane of lanes) this.hintedLanes.delete(lane);
        room.clear();
        rows = await this.claimOrRecover(() => this.options.outbox.claimLanes(this.worker, lanes, this.leaseMs));
      }
      // A scan may return more of one receiver's heads than it has room for: those go back.
      const unused: OutboxRow[] = [];
      let launched = 0;
      for (const row of rows) {
        const url = row.receiver.url;
        if (this.inFlight.has(row.seq)) continue;
        const left = roomOf(url);
        if (left <= 0) {
          unused.push(row);
          continue;
        }
        room.set(url, left - 1);
        this.launch(row);
        launched += 1;
      }
      if (unused.length > 0) {
        for (const row of unused) this.hintedLanes.add(row.lane);
        await this.options.outbox.release(this.worker, unused.map((row) => row.seq)).catch((error: unknown) => {
          // The leases run out by themselves; until then those lanes wait.
          this.options.logger.warn({ err: error }, 'could not give back webhook outbox leases');
        });
      }
      if (fullScan && exhausted) return;
      // Due heads nobody hints at (retries, other nodes' rows) may be more than one scan's worth.
      if (fullScan && launched > 0) this.fullScanDue = true;
    }
  }

  /** A claim that fails (the store is busy or gone) leaves the rows for the next scan. */
  private async claimOrRecover(claim: () => Promise<OutboxRow[]>): Promise<OutboxRow[]> {
    try {
      return await claim();
    } catch (error) {
      this.options.logger.warn({ err: error }, 'could not read the webhook outbox');
      this.fullScanDue = true;
      return [];
    }
  }

  private launch(row: OutboxRow): void {
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

  private async deliver(row: OutboxRow): Promise<void> {
    const { receiver } = row;
    const started = performance.now();
    const failure = receiver.kind ? await this.publish(row) : await this.post(row);
    try {
      const seconds = (performance.now() - started) / 1000;
      if (failure === undefined) {
        await this.options.outbox.delivered(row.seq);
        this.options.onAttempt?.('delivered', seconds, receiver.kind);
        return;
      }
      const attempts = row.attempts + 1;
      const exhausted = attempts >= Math.max(1, receiver.retries.attempts);
      this.options.onAttempt?.(exhausted ? 'dead' : 'failed', seconds, receiver.kind);
      const next = exhausted ? null : Date.now() + retryDelaySeconds(receiver.retries, attempts) * 1000;
      this.options.logger.warn({ url: receiver.url, event: row.eventId, attempts, error: failure, dead: exhausted }, receiver.kind ? 'event publish failed' : 'webhook delivery failed');
      await this.options.outbox.failed(row.seq, attempts, next, failure);
    } catch (error) {
      // The lease runs out and the row is delivered again: at least once, never lost.
      this.options.logger.error({ err: error }, 'could not record a webhook delivery result');
    }
  }

  /** POSTs the row to its webhook; the failure's description, or undefined once it is delivered. */
  private async post(row: OutboxRow): Promise<string | undefined> {
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
    try {
      // undici's request, not fetch: no WHATWG streams per call, which cost a tenth of the inbound path.
      const response = await request(receiver.url, { method: 'POST', headers, body: row.body, maxRedirections: 3, headersTimeout: this.timeoutMs, bodyTimeout: this.timeoutMs, signal: AbortSignal.timeout(this.timeoutMs) });
      await response.body.dump().catch(() => undefined);
      if (response.statusCode < 200 || response.statusCode >= 300) return `HTTP ${response.statusCode}`;
      return undefined;
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
  }

  /**
   * Publishes the row to its broker sink. A row whose sink is no longer configured fails like a
   * broker that is down: it stays pending, and goes out once the sink is configured again.
   */
  private async publish(row: OutboxRow): Promise<string | undefined> {
    const sink = this.options.sinks?.get(row.receiver.url);
    if (!sink) return `no ${row.receiver.kind ?? 'broker'} sink ${row.receiver.url} is configured`;
    try {
      const { event } = JSON.parse(row.body) as { event?: unknown };
      const message = { id: row.eventId, session: row.session, event: typeof event === 'string' ? event : 'unknown', body: row.body };
      // One deadline for the whole attempt, connecting included, whatever the sink does inside it.
      await withTimeout(sink.publish(message, this.publishTimeoutMs), this.publishTimeoutMs, `publishing to ${sink.target}`);
      return undefined;
    } catch (error) {
      return errorText(error);
    }
  }
}
