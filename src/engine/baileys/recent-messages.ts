// The raw WhatsApp messages a session saw lately. Baileys needs them back to answer retry requests
// and to decrypt poll votes; the API needs them to quote, forward, edit and revoke by WAHA id.
import type { WAMessage, proto } from 'baileys';

const DEFAULT_CAPACITY = 5_000;

export class RecentMessages {
  private readonly byKey = new Map<string, WAMessage>();
  /** Messages this zapd sent through the API, so their events say `source: 'api'`, not 'app'. */
  private readonly sentByApi = new Set<string>();

  constructor(private readonly capacity = DEFAULT_CAPACITY) {}

  private static keyOf(remoteJid: string | null | undefined, id: string | null | undefined): string {
    return `${remoteJid ?? ''}|${id ?? ''}`;
  }

  remember(message: WAMessage): void {
    const key = RecentMessages.keyOf(message.key?.remoteJid, message.key?.id);
    this.byKey.delete(key);
    this.byKey.set(key, message);
    if (this.byKey.size > this.capacity) {
      const oldest = this.byKey.keys().next().value;
      if (oldest !== undefined) {
        this.byKey.delete(oldest);
        this.sentByApi.delete(oldest);
      }
    }
  }

  markSentByApi(remoteJid: string, id: string): void {
    this.sentByApi.add(RecentMessages.keyOf(remoteJid, id));
    if (this.sentByApi.size > this.capacity) {
      const oldest = this.sentByApi.values().next().value;
      if (oldest !== undefined) this.sentByApi.delete(oldest);
    }
  }

  wasSentByApi(message: WAMessage): boolean {
    return this.sentByApi.has(RecentMessages.keyOf(message.key?.remoteJid, message.key?.id));
  }

  find(remoteJid: string, id: string): WAMessage | undefined {
    return this.byKey.get(RecentMessages.keyOf(remoteJid, id));
  }

  latestIn(remoteJid: string): WAMessage | undefined {
    let latest: WAMessage | undefined;
    for (const message of this.byKey.values()) if (message.key?.remoteJid === remoteJid) latest = message;
    return latest;
  }

  /** Baileys' `getMessage` hook: the message content for a key, if we still have it. */
  content(key: proto.IMessageKey): proto.IMessage | undefined {
    return this.find(key.remoteJid ?? '', key.id ?? '')?.message ?? undefined;
  }
}
