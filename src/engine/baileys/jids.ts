// WhatsApp addresses users as `<number>@s.whatsapp.net`; WAHA (and so our API) as `<number>@c.us`.

/** `15550001111:7@s.whatsapp.net` (a device) or `15550001111@s.whatsapp.net` → `15550001111@c.us`. */
export function toWahaUserId(jid: string): string {
  const [user = '', server = ''] = jid.split('@');
  const number = user.split(':')[0] ?? user;
  return server === 's.whatsapp.net' ? `${number}@c.us` : `${number}@${server}`;
}

/** Any jid Baileys hands us → the id WAHA shows (users in `@c.us`, everything else unchanged). */
export function toWahaChatId(jid: string | null | undefined): string {
  if (!jid) return '';
  return jid.endsWith('@s.whatsapp.net') || /:\d+@/.test(jid) ? toWahaUserId(jid) : jid;
}

/** `15550001111@c.us` → `15550001111@s.whatsapp.net`; other servers unchanged. */
export function toWhatsAppJid(chatId: string): string {
  return chatId.endsWith('@c.us') ? `${chatId.slice(0, -'@c.us'.length)}@s.whatsapp.net` : chatId;
}

export function isGroupJid(jid: string): boolean {
  return jid.endsWith('@g.us');
}

export interface MessageKeyParts {
  id: string;
  remoteJid: string;
  fromMe: boolean;
  participant?: string;
}

/**
 * WAHA's serialized message id: `true_15550001111@c.us_3EB0...`; a key naming its group participant
 * adds `_<participant>`, as NOWEB does (`false_123-456@g.us_3EB0..._15550001111@c.us`).
 */
export function serializeMessageId(key: { id?: string | null; remoteJid?: string | null; fromMe?: boolean | null; participant?: string | null }): string {
  const base = `${key.fromMe === true}_${toWahaChatId(key.remoteJid)}_${key.id ?? ''}`;
  return key.participant ? `${base}_${toWahaChatId(key.participant)}` : base;
}

/** Parses WAHA's serialized id; returns undefined for anything else. */
export function parseMessageId(serialized: string): MessageKeyParts | undefined {
  const match = /^(true|false)_([^_]+@[^_]+)_([^_]+)(?:_([^_]+@[^_]+))?$/.exec(serialized);
  if (!match) return undefined;
  const [, fromMe, chatId = '', id = '', participant] = match;
  return {
    fromMe: fromMe === 'true',
    remoteJid: toWhatsAppJid(chatId),
    id,
    ...(participant ? { participant: toWhatsAppJid(participant) } : {}),
  };
}
