// Baileys acknowledges a message to WhatsApp before it hands the message to us, so a crash between
// the two would lose it: WhatsApp never sends an acknowledged message again. The gate holds every
// outgoing frame (acks included, order kept) while a received message is not yet durably recorded;
// once it is, the frames go out. A message that never reaches us is released after a timeout. A
// message that could not be recorded abandons the gate: nothing held goes out (frames carry
// consecutive nonces, so its ack cannot be picked out), the connection is dropped, and WhatsApp
// delivers every unacknowledged message again on the next one.
// Signal key writes are deferred alongside (see StoredAuthState.defer): a message WhatsApp sends
// again after a crash must still decrypt.
const MAX_HOLD_MS = 60_000;

export interface GateHooks {
  /** The first message of a batch is waiting. */
  onHold(): void;
  /** Every waiting message is recorded; runs before the held frames go out. */
  onDrained(): Promise<void>;
}

export class OutgoingGate {
  private readonly waiting = new Map<string, NodeJS.Timeout>();
  private held: Array<() => void> = [];
  private draining: Promise<void> = Promise.resolve();
  private throughNext = 0;
  private abandoned = false;

  constructor(private readonly hooks: GateHooks) {}

  /** A message arrived: hold outgoing frames until it is recorded. */
  hold(id: string): void {
    if (this.abandoned || this.waiting.has(id)) return;
    if (this.waiting.size === 0) this.hooks.onHold();
    this.waiting.set(id, setTimeout(() => this.release(id), MAX_HOLD_MS));
  }

  /** Whether the acknowledgement of this received message is being held. */
  isHolding(id: string): boolean {
    return this.waiting.has(id);
  }

  /** Drops every held frame and every later one: the connection is about to be closed. */
  abandon(): void {
    this.abandoned = true;
    for (const timer of this.waiting.values()) clearTimeout(timer);
    this.waiting.clear();
    this.held = [];
  }

  release(id: string): void {
    const timer = this.waiting.get(id);
    if (!timer) return;
    clearTimeout(timer);
    this.waiting.delete(id);
    if (this.waiting.size > 0) return;
    this.draining = this.draining
      .then(() => this.hooks.onDrained())
      .finally(() => {
        if (this.waiting.size === 0) this.flush();
      });
  }

  /**
   * Baileys is about to send a query and will wait for its answer, possibly while processing the
   * very message we hold for (a LID lookup during decryption): the next frame must go out, and
   * frames are already encrypted with consecutive nonces, so everything held before it goes too.
   */
  letNextThrough(): void {
    this.throughNext += 1;
  }

  send(frame: () => void): void {
    if (this.abandoned) return;
    if (this.throughNext > 0) {
      this.throughNext -= 1;
      this.flush();
      frame();
      return;
    }
    if (this.waiting.size === 0 && this.held.length === 0) frame();
    else this.held.push(frame);
  }

  /** Lets everything go (the connection is closing). */
  open(): void {
    for (const timer of this.waiting.values()) clearTimeout(timer);
    this.waiting.clear();
    this.flush();
  }

  private flush(): void {
    if (this.abandoned) return;
    const frames = this.held;
    this.held = [];
    for (const frame of frames) frame();
  }
}
