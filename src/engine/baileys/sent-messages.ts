// The messages this engine sent through the API, from the send until WhatsApp's server confirmed them.
//
// A send answers 201 only once its `message.any` is recorded: Baileys also hands us our own message
// (a `messages.upsert` on the next tick, through its event buffer), and whichever of the two comes
// first records it; the other waits for that same recording, so the message is announced once.
//
// A frame handed to the socket is not yet with WhatsApp: the outgoing gate may hold it, or the
// connection may drop before it leaves. Until the server's `<ack class="message">` names it, a sent
// message stays unconfirmed; after a reconnect it is relayed again (same id: WhatsApp and the
// recipients' devices keep one copy), and one that cannot be (the session stopped, or it stayed
// unconfirmed over several connections) ends as ERROR with its `message.ack`, never silently lost.
import type { WAMessage } from 'baileys';

const CAPACITY = 5_000;
/** Connections a message may be relayed on before it is given up as ERROR. */
export const MAX_RELAYS = 3;

/** How the message was relayed, as far as relaying it again needs (a status's audience). */
export interface RelayOptions {
  statusJidList?: string[];
}

export interface UnconfirmedSend {
  message: WAMessage;
  options: RelayOptions;
}

interface Unconfirmed extends UnconfirmedSend {
  relays: number;
}

export class SentMessages {
  /** Recordings of our own messages' `message.any`, by message id (insertion order, trimmed). */
  private readonly recordings = new Map<string, Promise<void>>();
  /** Ids handed to Baileys whose `message.any` is not recorded yet. */
  private readonly announcing = new Set<string>();
  private readonly unconfirmed = new Map<string, Unconfirmed>();
  private readonly settledWaiters = new Set<() => void>();

  /** Before the send: acks of this id wait for its `message.any`. */
  sending(id: string): void {
    this.announcing.add(id);
  }

  /** The send failed before anything went out. */
  abandoned(id: string): void {
    this.announcing.delete(id);
    this.unconfirmed.delete(id);
  }

  /** The message has no `message.any` (an edit, a revoke): its acks need not wait for one. */
  silent(id: string): void {
    this.announcing.delete(id);
  }

  awaitsAnnouncement(id: string): boolean {
    return this.announcing.has(id);
  }

  /**
   * Records the message's `message.any` once, whoever asks first (the send or Baileys' upsert).
   * A failed recording is forgotten, so that the other one tries again.
   */
  announce(id: string, record: () => Promise<void>): Promise<void> {
    const existing = this.recordings.get(id);
    if (existing) return existing;
    const recording = record().then(
      () => {
        this.announcing.delete(id);
      },
      (error: unknown) => {
        if (this.recordings.get(id) === recording) this.recordings.delete(id);
        throw error;
      },
    );
    this.recordings.set(id, recording);
    while (this.recordings.size > CAPACITY) {
      const oldest = this.recordings.keys().next().value;
      if (oldest === undefined) break;
      this.recordings.delete(oldest);
    }
    return recording;
  }

  /** Handed to the socket: unconfirmed until the server acks it. */
  handedOver(message: WAMessage, options: RelayOptions = {}): void {
    const id = message.key?.id;
    if (id) this.unconfirmed.set(id, { message, options, relays: 1 });
  }

  /** Whether the server has not confirmed this id yet. */
  isUnconfirmed(id: string): boolean {
    return this.unconfirmed.has(id);
  }

  /** A message that cannot be relayed: no longer tracked (the caller reports it as ERROR). */
  giveUp(id: string): boolean {
    return this.unconfirmed.delete(id);
  }

  /** The server acknowledged this id (or refused it: that ends as ERROR through Baileys' update). */
  confirmed(id: string): void {
    if (!this.unconfirmed.delete(id)) return;
    if (this.unconfirmed.size === 0) for (const wake of [...this.settledWaiters]) wake();
  }

  /**
   * The messages to relay on a fresh connection, and those given up after MAX_RELAYS connections
   * (removed here; the caller reports them as ERROR).
   */
  takeForNewConnection(): { relay: UnconfirmedSend[]; givenUp: WAMessage[] } {
    const relay: UnconfirmedSend[] = [];
    const givenUp: WAMessage[] = [];
    for (const [id, entry] of this.unconfirmed) {
      if (entry.relays >= MAX_RELAYS) {
        this.unconfirmed.delete(id);
        givenUp.push(entry.message);
        continue;
      }
      entry.relays += 1;
      relay.push({ message: entry.message, options: entry.options });
    }
    return { relay, givenUp };
  }

  /** Every unconfirmed message, removed: the session stops and none of them will be relayed. */
  takeAll(): WAMessage[] {
    const all = [...this.unconfirmed.values()].map((entry) => entry.message);
    this.unconfirmed.clear();
    return all;
  }

  get unconfirmedCount(): number {
    return this.unconfirmed.size;
  }

  /** Resolves once no message is unconfirmed, or after `ms`. */
  async settled(ms: number): Promise<void> {
    if (this.unconfirmed.size === 0) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.settledWaiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.settledWaiters.add(done);
    });
  }
}
