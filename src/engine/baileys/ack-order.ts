// Puts a sent message's acks after its `message.any` and reports each ack step once.
//
// WhatsApp's server ack reaches the socket directly, while Baileys hands us our own message through
// its (sometimes buffered) event stream, so the SERVER ack could be reported before the message it
// acknowledges. Receipts repeat too (one per recipient device, and again after a reconnect). WAHA's
// NOWEB reports `message.any` first and each ack change once; so do we. One AckOrder lives as long
// as the engine, not one connection, so a receipt WhatsApp repeats on the next connection is still
// known as reported. Acks are told apart by message id alone: the chat of one message is named by
// its phone number in one stanza and by its LID in another, and keyed by chat the same DEVICE
// receipt counted twice.

/** How long acks wait for their message's `message.any` before they are reported anyway. */
const HOLD_MS = 10_000;
const CAPACITY = 5_000;

export interface AckOrderOptions<P extends { ack: number }> {
  /** Reports the ack (to the event bus). */
  emit(payload: P): void;
  /** Whether we sent this message through the API and its `message.any` is still to come. */
  awaitsAnnouncement(chatJid: string, id: string): boolean;
  holdMs?: number;
}

interface Held<P> {
  payloads: Array<{ payload: P; step: string }>;
  timer: NodeJS.Timeout;
}

export class AckOrder<P extends { ack: number }> {
  private readonly highest = new Map<string, number>();
  private readonly held = new Map<string, Held<P>>();
  private readonly announcedIds = new Set<string>();

  constructor(private readonly options: AckOrderOptions<P>) {}

  /** Message ids are random (WhatsApp's 16+ hex digits): unique without their chat. */
  private static keyOf(_chatJid: string, id: string): string {
    return id;
  }

  /**
   * An ack of one of our messages. `step` tells apart acks that count separately (a group
   * participant's receipts); an ack no higher than one already reported for that step is dropped.
   */
  ack(chatJid: string, id: string, payload: P, step = ''): void {
    const key = AckOrder.keyOf(chatJid, id);
    const held = this.held.get(key);
    if (held) {
      held.payloads.push({ payload, step });
      return;
    }
    if (!this.announcedIds.has(key) && this.options.awaitsAnnouncement(chatJid, id)) {
      const timer = setTimeout(() => this.release(key), this.options.holdMs ?? HOLD_MS);
      timer.unref();
      this.held.set(key, { payloads: [{ payload, step }], timer });
      return;
    }
    this.report(key, payload, step);
  }

  /** The message's `message.any` is recorded: its held acks follow now, in the order they came. */
  announced(chatJid: string, id: string): void {
    const key = AckOrder.keyOf(chatJid, id);
    this.announcedIds.add(key);
    trim(this.announcedIds);
    this.release(key);
  }

  private release(key: string): void {
    const held = this.held.get(key);
    if (!held) return;
    clearTimeout(held.timer);
    this.held.delete(key);
    for (const { payload, step } of held.payloads) this.report(key, payload, step);
  }

  private report(key: string, payload: P, step: string): void {
    const stepKey = `${key}|${step}`;
    const previous = this.highest.get(stepKey);
    // ERROR (-1) is a change whenever it comes; otherwise acks only rise.
    if (previous !== undefined && payload.ack !== -1 && payload.ack <= previous) return;
    this.highest.delete(stepKey);
    this.highest.set(stepKey, payload.ack);
    trim(this.highest);
    this.options.emit(payload);
  }

  close(): void {
    for (const held of this.held.values()) clearTimeout(held.timer);
    this.held.clear();
  }
}

function trim(entries: Map<string, unknown> | Set<string>): void {
  while (entries.size > CAPACITY) {
    const oldest = entries.keys().next().value;
    if (oldest === undefined) return;
    entries.delete(oldest);
  }
}
