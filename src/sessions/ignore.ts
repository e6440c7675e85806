// WAHA's `config.ignore`: chats of these kinds raise no events for the session, and so nothing of
// them is stored or delivered (the recorder and every sink only see published events).
import { HISTORY_EVENT, type HistoryBatch } from '../engine/dto.ts';
import { eventChat } from '../events/event-chat.ts';

export interface IgnoreSettings {
  status?: boolean;
  groups?: boolean;
  channels?: boolean;
  broadcast?: boolean;
}

export function ignoreSettingsOf(config: Record<string, unknown>): IgnoreSettings {
  const ignore = config.ignore;
  if (!ignore || typeof ignore !== 'object') return {};
  const record = ignore as Record<string, unknown>;
  return { status: record.status === true, groups: record.groups === true, channels: record.channels === true, broadcast: record.broadcast === true };
}

const ignoresNothing = (settings: IgnoreSettings) => !settings.status && !settings.groups && !settings.channels && !settings.broadcast;

/** Whether an event with this payload is about a chat the session ignores. */
export function isIgnored(settings: IgnoreSettings, event: string, payload: unknown): boolean {
  if (ignoresNothing(settings)) return false;
  // WAHA's older group.join/group.leave carry the group itself: its id is the chat.
  const groupId = event.startsWith('group.') ? (payload as { id?: unknown } | null)?.id : undefined;
  const chat = eventChat(payload) ?? (typeof groupId === 'string' ? groupId : undefined);
  return chat !== undefined && isIgnoredChat(settings, chat);
}

/** The phone's history at link time, without the chats (and their messages) the session ignores. */
export function withoutIgnoredHistory(settings: IgnoreSettings, event: string, payload: unknown): unknown {
  if (ignoresNothing(settings) || event !== 'engine.event') return payload;
  const record = payload as { event?: unknown; data?: HistoryBatch };
  if (record.event !== HISTORY_EVENT || !record.data) return payload;
  const batch = record.data;
  return {
    ...record,
    data: {
      ...batch,
      chats: batch.chats.filter((chat) => !isIgnoredChat(settings, chat.id)),
      // The phone lists groups among its contacts too (their names).
      contacts: batch.contacts.filter((contact) => !isIgnoredChat(settings, contact.id)),
      messages: batch.messages.filter((message) => !isIgnored(settings, 'message', message)),
    },
  };
}

function isIgnoredChat(settings: IgnoreSettings, chat: string): boolean {
  if (chat === 'status@broadcast') return settings.status === true;
  if (chat.endsWith('@broadcast')) return settings.broadcast === true;
  if (chat.endsWith('@g.us')) return settings.groups === true;
  if (chat.endsWith('@newsletter')) return settings.channels === true;
  return false;
}
