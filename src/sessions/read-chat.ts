// Marking a whole chat read: read receipts for its incoming messages not yet read, and the stored
// unread count back to zero. POST …/chats/{chatId}/messages/read and sendSeen with a chatId alone.
import type { Engine } from '../engine/types.ts';
import type { MessageRepository } from '../store/messages.ts';

/** How far back receipts go: WhatsApp's own clients mark the newest unread messages, not years of them. */
const RECEIPTS_AT_MOST = 1000;

export async function readWholeChat(engine: Engine, messages: MessageRepository, session: string, chatId: string, participant?: string): Promise<string[]> {
  const unread = (await messages.list(session, chatId, { limit: RECEIPTS_AT_MOST, offset: 0, fromMe: false })).filter((message) => message.ack < 3).map((message) => message.id);
  await engine.markRead(chatId, unread, participant);
  await messages.markChatRead(session, chatId);
  return unread;
}
