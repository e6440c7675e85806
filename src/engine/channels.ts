// Channels (newsletters) in WAHA's shape.
import type { Message } from './dto.ts';

export interface Channel {
  id: string;
  name: string;
  description: string;
  invite: string;
  picture: string | null;
  preview: string | null;
  verified: boolean;
  role: 'OWNER' | 'ADMIN' | 'SUBSCRIBER' | 'GUEST';
  subscribersCount: number;
}

export interface ChannelEngine {
  /** `picture`: image bytes, set as the channel's picture right after it is made. */
  channelCreate(name: string, description?: string, picture?: Buffer): Promise<Channel>;
  /** By `…@newsletter` id or invite code. */
  channelGet(idOrInvite: string): Promise<Channel>;
  /** The channels this account owns or follows (the ones it created or followed through zapd). */
  channelList(): Promise<Channel[]>;
  channelDelete(id: string): Promise<void>;
  channelAction(id: string, action: 'follow' | 'unfollow' | 'mute' | 'unmute'): Promise<void>;
  /** The channel's latest posts, newest last. */
  channelMessages(id: string, limit: number): Promise<Message[]>;
}
