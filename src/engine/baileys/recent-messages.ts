// The raw WhatsApp messages a session saw lately. Baileys needs them back to answer retry requests
// and to decrypt poll votes; the API needs them to quote, forward, edit and revoke by WAHA id.
import type { WAMessage, proto } from 'baileys';

const DEFAULT_CAPACITY = 5_000;

export class RecentMessages {
  private readonly byKey = new Map<string, WAMessage>();

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
      if (oldest !== undefined) this.byKey.delete(oldest);
    }
  }

  find(remoteJid: string, id: string): WAMessage | undefined {
    return this.byKey.get(RecentMessages.keyOf(remoteJid, id));
  }

  /** Baileys' `getMessage` hook: the message content for a key, if we still have it. */
  content(key: proto.IMessageKey): proto.IMessage | undefined {
    return this.find(key.remoteJid ?? '', key.id ?? '')?.message ?? undefined;
  }
}
