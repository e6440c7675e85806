// Labels live in WhatsApp's app state. Baileys reports them as `labels.edit` and
// `labels.association`; this book keeps what it has seen, persisted with the session's auth state
// (app state is synced incrementally, so what came before the last sync would not be told again).
import type { WASocket } from 'baileys';
import { notFound } from '../../errors.ts';
import type { AuthStateRepository } from '../../store/repositories.ts';
import { colorHex, type Label, type LabelEngine } from '../labels.ts';
import type { EngineListener } from '../types.ts';
import { toWahaChatId, toWhatsAppJid } from './jids.ts';

interface Book {
  labels: Record<string, { name: string; color: number }>;
  chats: Record<string, string[]>;
}

const CATEGORY = 'zapd';
const ID = 'labels';

export class LabelBook {
  private book: Book = { labels: {}, chats: {} };

  constructor(
    private readonly session: string,
    private readonly repository: AuthStateRepository,
  ) {}

  async load(): Promise<void> {
    const stored = (await this.repository.get(this.session, CATEGORY, [ID])).get(ID);
    if (stored) this.book = JSON.parse(stored) as Book;
  }

  label(id: string): Label | undefined {
    const entry = this.book.labels[id];
    return entry ? { id, name: entry.name, color: entry.color, colorHex: colorHex(entry.color) } : undefined;
  }

  all(): Label[] {
    return Object.keys(this.book.labels).map((id) => this.label(id)).filter((label): label is Label => label !== undefined);
  }

  chatLabelIds(chatId: string): string[] {
    return Object.entries(this.book.chats).filter(([, chats]) => chats.includes(chatId)).map(([id]) => id);
  }

  chatsOf(labelId: string): string[] {
    return this.book.chats[labelId] ?? [];
  }

  /** Applies Baileys' label events, reporting WAHA's label.* events. */
  wire(socket: WASocket, listener: EngineListener): void {
    socket.ev.on('labels.edit', (edit) => {
      if (edit.deleted) {
        const label = this.label(edit.id);
        delete this.book.labels[edit.id];
        delete this.book.chats[edit.id];
        void this.save();
        if (label) void listener.event('label.deleted', label);
        return;
      }
      this.book.labels[edit.id] = { name: edit.name ?? this.book.labels[edit.id]?.name ?? '', color: edit.color ?? this.book.labels[edit.id]?.color ?? 0 };
      void this.save();
      void listener.event('label.upsert', this.label(edit.id));
    });
    socket.ev.on('labels.association', ({ association, type }) => {
      if (!('chatId' in association) || 'messageId' in association) return;
      const chatId = toWahaChatId(association.chatId);
      const chats = new Set(this.book.chats[association.labelId] ?? []);
      if (type === 'add') chats.add(chatId);
      else chats.delete(chatId);
      this.book.chats[association.labelId] = [...chats];
      void this.save();
      void listener.event(type === 'add' ? 'label.chat.added' : 'label.chat.deleted', { labelId: association.labelId, chatId, label: this.label(association.labelId) ?? null });
    });
  }

  private save(): Promise<void> {
    return this.repository.write(this.session, [{ category: CATEGORY, id: ID, value: JSON.stringify(this.book) }]);
  }
}

export function labelVerbs(socket: () => WASocket, book: LabelBook): LabelEngine {
  const existing = (id: string): Label => {
    const label = book.label(id);
    if (!label) throw notFound(`Label '${id}' not found`);
    return label;
  };
  return {
    async labels() {
      return book.all();
    },
    async saveLabel({ id, name, color }) {
      const labelId = id ?? String(Math.max(0, ...book.all().map((label) => Number(label.id) || 0)) + 1);
      if (id) existing(id);
      await socket().addLabel('', { id: labelId, name, color, deleted: false });
      return { id: labelId, name, color, colorHex: colorHex(color) };
    },
    async deleteLabel(id) {
      const label = existing(id);
      await socket().addLabel('', { id, name: label.name, color: label.color, deleted: true });
    },
    async chatLabels(chatId) {
      return book.chatLabelIds(chatId).map((id) => book.label(id)).filter((label): label is Label => label !== undefined);
    },
    async setChatLabels(chatId, labelIds) {
      for (const id of labelIds) existing(id);
      const current = book.chatLabelIds(chatId);
      const jid = toWhatsAppJid(chatId);
      for (const id of labelIds.filter((wanted) => !current.includes(wanted))) await socket().addChatLabel(jid, id);
      for (const id of current.filter((had) => !labelIds.includes(had))) await socket().removeChatLabel(jid, id);
    },
    async labelChats(labelId) {
      existing(labelId);
      return book.chatsOf(labelId);
    },
  };
}
