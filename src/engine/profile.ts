// Profile, pictures and presence verbs, in WAHA's shapes.

export interface Profile {
  id: string;
  name: string | null;
  picture: string | null;
}

export type PresenceState = 'online' | 'offline' | 'typing' | 'recording' | 'paused';

export interface ChatPresence {
  id: string;
  presences: Array<{ participant: string; lastKnownPresence: string; lastSeen: number | null }>;
}

export interface ProfileEngine {
  profile(): Promise<Profile>;
  setProfileName(name: string): Promise<void>;
  setProfileStatus(status: string): Promise<void>;
  /** Picture URL of a user or group, or null when there is none (or it is hidden). */
  pictureUrl(chatId: string): Promise<string | null>;
  setPicture(chatId: string, image: Buffer): Promise<void>;
  removePicture(chatId: string): Promise<void>;
  /** About text of a contact. */
  about(chatId: string): Promise<string | null>;
  setPresence(state: PresenceState, chatId?: string): Promise<void>;
  subscribePresence(chatId: string): Promise<void>;
  /** Presences learned so far (from subscriptions). */
  presences(): ChatPresence[];
}

export interface LidMapping {
  lid: string;
  pn: string;
}

export interface DirectoryEngine {
  /** The phone-number id for a LID, or null when WhatsApp has not told us. */
  phoneForLid(lid: string): Promise<string | null>;
  /** The LID for a phone-number id (asks WhatsApp when not known yet). */
  lidForPhone(chatId: string): Promise<string | null>;
}
