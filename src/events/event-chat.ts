// Which chat an event is about, read from its WAHA payload: the one place both the outbox lanes (per
// chat order) and the session's `config.ignore` filter read it from.
import { asRecord } from '../runtime/as-record.ts';

export function eventChat(payload: unknown): string | undefined {
  const record = asRecord(payload);
  const vote = asRecord(record.vote);
  const candidates = [
    // A message's or ack's chat: NOWEB's `from`, or `to` of our messages stored the older way.
    typeof record.fromMe === 'boolean' ? (record.fromMe && typeof record.to === 'string' ? record.to : record.from) : undefined,
    vote.fromMe === true ? vote.to : vote.from,
    asRecord(record.group).id,
    record.chatId,
  ];
  return candidates.find((value): value is string => typeof value === 'string' && value.length > 0);
}
