// Wappfy's request dialect folded into WAHA's, so every route declares WAHA names only:
// `sessionId` → `session`, `jid` → `chatId`, and `…@s.whatsapp.net` or a bare number → `…@c.us`.
import { badRequest } from '../errors.ts';

const ALIASES: Array<[alias: string, canonical: string]> = [
  ['sessionId', 'session'],
  ['jid', 'chatId'],
];

/** Copies Wappfy's names onto WAHA's when the WAHA name is absent; the alias itself is removed. */
export function foldDialect(input: unknown): void {
  if (!input || typeof input !== 'object' || Array.isArray(input)) return;
  const record = input as Record<string, unknown>;
  for (const [alias, canonical] of ALIASES) {
    if (!(alias in record)) continue;
    if (record[canonical] === undefined) record[canonical] = record[alias];
    delete record[alias];
  }
}

const USER = /^\+?(\d{5,20})(?:@(?:c\.us|s\.whatsapp\.net))?$/;
const GROUP = /^\d{5,25}(?:-\d{5,20})?@g\.us$/;
const OTHER = /^[\w.:-]{1,64}@(?:lid|newsletter|broadcast)$/;

export function isGroupId(chatId: string): boolean {
  return GROUP.test(chatId);
}

/** Canonical WAHA chat id, or a 400 naming what was wrong. */
export function toChatId(value: string): string {
  const trimmed = value.trim();
  const user = USER.exec(trimmed.replace(/[\s()-]/g, ''));
  if (user && !trimmed.includes('@g.us')) return `${user[1]}@c.us`;
  if (GROUP.test(trimmed) || OTHER.test(trimmed)) return trimmed;
  throw badRequest(`'${value}' is not a valid chat id (expected 123@c.us, 123@s.whatsapp.net, a phone number, 123-456@g.us, 123@lid or 123@newsletter)`);
}
