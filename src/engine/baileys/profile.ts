import type { WASocket } from 'baileys';
import { badRequest, notImplemented, unprocessable } from '../../errors.ts';
import type { ChatPresence, DirectoryEngine, ProfileEngine } from '../profile.ts';
import { toWahaChatId, toWahaUserId, toWhatsAppJid } from './jids.ts';

/** A chat's presences, kept from `presence.update` events so GET /presence can answer without asking. */
export class PresenceBook {
  private readonly byChat = new Map<string, ChatPresence>();

  update(chat: ChatPresence): void {
    this.byChat.set(chat.id, chat);
  }

  all(): ChatPresence[] {
    return [...this.byChat.values()];
  }
}

/** Setting the push name is an app-state change, encrypted with keys the phone shares with its devices. */
function explainAppState(error: unknown): never {
  const message = error instanceof Error ? error.message : String(error);
  if (/app ?state|key/i.test(message)) {
    throw notImplemented(`Changing the push name needs the app-state keys the phone shares with linked devices, and this account has none yet (${message})`);
  }
  throw error;
}

/** Baileys resizes the picture (sharp, else jimp) before sending it; bytes that are no image fail there. */
export function explainUndecodableImage(error: unknown): never {
  const message = error instanceof Error ? error.message : String(error);
  if (/unsupported image format|Input buffer|Could not find MIME|Unsupported MIME|corrupt|VipsForeignLoad|not a known file format|Invalid file signature/i.test(message)) {
    throw unprocessable(`The file is not an image that can be read (JPEG, PNG or WebP): ${message}`);
  }
  throw error;
}

export function profileVerbs(socket: () => WASocket, presences: PresenceBook): ProfileEngine & DirectoryEngine {
  return {
    async profile() {
      const user = socket().user;
      if (!user) throw badRequest('not logged in');
      const picture = await socket().profilePictureUrl(user.id, 'image').catch(() => undefined);
      return { id: toWahaUserId(user.id), name: user.name ?? null, picture: picture ?? null };
    },
    async setProfileName(name) {
      await socket().updateProfileName(name).catch(explainAppState);
    },
    async setProfileStatus(status) {
      await socket().updateProfileStatus(status);
    },
    async pictureUrl(chatId) {
      return (await socket().profilePictureUrl(toWhatsAppJid(chatId), 'image').catch(() => undefined)) ?? null;
    },
    async setPicture(chatId, image) {
      await socket().updateProfilePicture(toWhatsAppJid(chatId), image).catch(explainUndecodableImage);
    },
    async removePicture(chatId) {
      await socket().removeProfilePicture(toWhatsAppJid(chatId));
    },
    async about(chatId) {
      const [result] = (await socket().fetchStatus(toWhatsAppJid(chatId))) ?? [];
      const status = result?.status as { status?: string | null } | undefined;
      return status?.status ?? null;
    },
    async setPresence(state, chatId) {
      const map = { online: 'available', offline: 'unavailable', typing: 'composing', recording: 'recording', paused: 'paused' } as const;
      if ((state === 'typing' || state === 'recording' || state === 'paused') && !chatId) throw badRequest(`presence '${state}' needs a chatId`);
      await socket().sendPresenceUpdate(map[state], chatId ? toWhatsAppJid(chatId) : undefined);
    },
    async subscribePresence(chatId) {
      await socket().presenceSubscribe(toWhatsAppJid(chatId));
    },
    presences: () => presences.all().map((chat) => ({ ...chat, id: toWahaChatId(chat.id) })),
    async phoneForLid(lid) {
      const pn = await socket().signalRepository.lidMapping.getPNForLID(lid.includes('@') ? lid : `${lid}@lid`);
      return pn ? toWahaUserId(pn) : null;
    },
    async lidForPhone(chatId) {
      const lid = await socket().signalRepository.lidMapping.getLIDForPN(toWhatsAppJid(chatId));
      return lid ? toWahaChatId(lid.replace(/:\d+@/, '@')) : null;
    },
  };
}
