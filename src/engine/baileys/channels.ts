import { getBinaryNodeChildren, proto } from 'baileys';
import type { BinaryNode, WASocket } from 'baileys';
import { notFound } from '../../errors.ts';
import type { AuthStateRepository } from '../../store/repositories.ts';
import type { Channel, ChannelEngine } from '../channels.ts';
import type { Message } from '../dto.ts';
import { toWahaMessage } from './message-mapper.ts';
import { explainUndecodableImage } from './profile.ts';
import { whatsappErrorCode } from './whatsapp-errors.ts';

const CATEGORY = 'zapd';
const ID = 'channels';

interface Metadata {
  id?: string;
  thread_metadata?: { name?: { text?: string }; description?: { text?: string }; invite?: string; subscribers_count?: string; verification?: string; picture?: { direct_path?: string } };
  viewer_metadata?: { role?: string };
}

function toChannel(metadata: Metadata | null | undefined, key: string): Channel {
  if (!metadata?.id) throw notFound(`Channel '${key}' not found`);
  const thread = metadata.thread_metadata ?? {};
  const role = metadata.viewer_metadata?.role;
  return {
    id: metadata.id,
    name: thread.name?.text ?? '',
    description: thread.description?.text ?? '',
    invite: `https://whatsapp.com/channel/${thread.invite ?? ''}`,
    // WhatsApp serves channel pictures from its media CDN under the direct path it names.
    picture: thread.picture?.direct_path ? `https://mmg.whatsapp.net${thread.picture.direct_path}` : null,
    preview: null,
    verified: thread.verification === 'VERIFIED',
    role: role === 'OWNER' || role === 'ADMIN' || role === 'SUBSCRIBER' ? role : 'GUEST',
    subscribersCount: Number(thread.subscribers_count ?? 0),
  };
}

/** WhatsApp answers an unknown channel with a GraphQL error carrying 404, or an IQ's item-not-found. */
async function lookup<T>(run: () => Promise<T>, key: string): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const graphQlStatus = (error as { output?: { statusCode?: number } }).output?.statusCode;
    if (graphQlStatus === 404 || whatsappErrorCode(error) === 404) throw notFound(`Channel '${key}' not found`);
    throw error;
  }
}

/** Baileys has no "channels I follow" query; the ones followed or created through zapd are remembered. */
/** Posts in a `message_updates` answer: `<messages><message server_id t><plaintext>…` (not encrypted). */
function postsOf(result: BinaryNode, jid: string, me: string): Message[] {
  const updates = getBinaryNodeChildren(result, 'message_updates');
  const lists = updates.flatMap((update) => getBinaryNodeChildren(update, 'messages'));
  return lists
    .flatMap((list) => getBinaryNodeChildren(list, 'message'))
    .flatMap((node) => {
      const plaintext = getBinaryNodeChildren(node, 'plaintext')[0]?.content;
      if (!(plaintext instanceof Uint8Array)) return [];
      const message = { key: { remoteJid: jid, id: node.attrs.server_id ?? node.attrs.message_id ?? '', fromMe: false }, message: proto.Message.decode(plaintext), messageTimestamp: Number(node.attrs.t ?? 0) };
      return [toWahaMessage(message, { me, source: 'app' })];
    });
}

export function channelVerbs(socket: () => WASocket, session: string, repository: AuthStateRepository, me: () => string): ChannelEngine {
  const known = async (): Promise<string[]> => {
    const stored = (await repository.get(session, CATEGORY, [ID])).get(ID);
    return stored ? (JSON.parse(stored) as string[]) : [];
  };
  const remember = async (id: string, keep: boolean) => {
    const ids = new Set(await known());
    if (keep) ids.add(id);
    else ids.delete(id);
    await repository.write(session, [{ category: CATEGORY, id: ID, value: JSON.stringify([...ids]) }]);
  };
  const metadata = (idOrInvite: string) => {
    const byId = idOrInvite.endsWith('@newsletter');
    const key = byId ? idOrInvite : idOrInvite.replace(/^https?:\/\/(www\.)?whatsapp\.com\/channel\//, '');
    return lookup(async () => toChannel((await socket().newsletterMetadata(byId ? 'jid' : 'invite', key)) as Metadata | null, idOrInvite), idOrInvite);
  };
  return {
    async channelCreate(name, description, picture) {
      const created = await socket().newsletterCreate(name, description);
      await remember(created.id, true);
      if (picture) await socket().newsletterUpdatePicture(created.id, picture).catch(explainUndecodableImage);
      return metadata(created.id);
    },
    channelGet: metadata,
    async channelList() {
      const channels = await Promise.all((await known()).map((id) => metadata(id).catch(() => undefined)));
      return channels.filter((channel): channel is Channel => channel !== undefined);
    },
    async channelDelete(id) {
      await lookup(() => socket().newsletterDelete(id), id);
      await remember(id, false);
    },
    async channelMessages(id, limit) {
      const result = await lookup(() => socket().newsletterFetchMessages(id, limit, 0, 0), id);
      return postsOf(result, id, me());
    },
    async channelAction(id, action) {
      const calls = { follow: 'newsletterFollow', unfollow: 'newsletterUnfollow', mute: 'newsletterMute', unmute: 'newsletterUnmute' } as const;
      await lookup(() => socket()[calls[action]](id), id);
      if (action === 'follow') await remember(id, true);
      if (action === 'unfollow') await remember(id, false);
    },
  };
}
