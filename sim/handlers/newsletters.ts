// Channels (newsletters): the `w:mex` GraphQL queries Baileys sends for create, metadata, follow,
// unfollow, mute, unmute and delete, answered with the JSON shapes it parses.
import { randomBytes } from 'node:crypto';
import { getBinaryNodeChild } from 'baileys';
import type { BinaryNode } from 'baileys';
import type { Connection } from '../connection.ts';
import type { Network } from '../network.ts';
import type { NewsletterRecord } from '../state.ts';

// Baileys' QueryIds (Types/Mex) for the operations the simulator knows.
const CREATE = '8823471724422422';
const METADATA = '6563316087068696';
const FOLLOW = '24404358912487870';
const UNFOLLOW = '9767147403369991';
const MUTE = '29766401636284406';
const UNMUTE = '9864994326891137';
const DELETE = '30062808666639665';
const UPDATE_METADATA = '24250201037901610';

interface Variables {
  newsletter_id?: string;
  input?: { name?: string; description?: string | null; key?: string; type?: string };
  updates?: { name?: string; description?: string; picture?: string };
}

/** Where the simulator says a channel picture lives, as WhatsApp's direct paths do (see GET /admin/channels). */
export const channelPicturePath = (newsletter: NewsletterRecord) => (newsletter.picture ? `/v/t61.24694-24/channel-${newsletter.picture.id}.jpg` : '');

function describeNewsletter(newsletter: NewsletterRecord, viewer: string) {
  return {
    id: newsletter.id,
    state: { type: 'ACTIVE' },
    thread_metadata: {
      name: { text: newsletter.name },
      description: { text: newsletter.description },
      creation_time: String(newsletter.creation),
      invite: newsletter.invite,
      subscribers_count: String(newsletter.followers.length),
      verification: 'UNVERIFIED',
      picture: { id: newsletter.picture?.id ?? '', direct_path: channelPicturePath(newsletter) },
    },
    viewer_metadata: {
      mute: newsletter.muted.includes(viewer) ? 'ON' : 'OFF',
      role: newsletter.owner === viewer ? 'OWNER' : newsletter.followers.includes(viewer) ? 'SUBSCRIBER' : 'GUEST',
    },
  };
}

export function answerMex(network: Network, connection: Connection, node: BinaryNode): void {
  const me = connection.phone ?? '';
  const query = getBinaryNodeChild(node, 'query');
  const reply = (data: Record<string, unknown> | null, error?: { message: string; code: number }) =>
    network.reply(connection, node, [
      { tag: 'result', attrs: {}, content: Buffer.from(JSON.stringify(error ? { errors: [{ message: error.message, extensions: { error_code: error.code } }] } : { data })) },
    ]);
  let variables: Variables;
  try {
    const body = query?.content instanceof Uint8Array ? Buffer.from(query.content).toString('utf8') : '{}';
    variables = ((JSON.parse(body) as { variables?: Variables }).variables ?? {}) as Variables;
  } catch {
    return reply(null, { message: 'malformed query', code: 400 });
  }
  const all = (network.state.data.newsletters ??= {});
  const queryId = query?.attrs.query_id;
  if (queryId === CREATE) {
    const name = variables.input?.name?.trim();
    if (!name) return reply(null, { message: 'name is required', code: 400 });
    const id = `1203632${String(Date.now()).slice(-9)}${String(randomBytes(2).readUInt16BE(0) % 1000).padStart(3, '0')}@newsletter`;
    const newsletter: NewsletterRecord = { id, name, description: variables.input?.description ?? '', invite: randomBytes(12).toString('base64url'), creation: Math.floor(Date.now() / 1000), owner: me, followers: [me], muted: [] };
    all[id] = newsletter;
    network.state.changed();
    return reply({ xwa2_newsletter_create: describeNewsletter(newsletter, me) });
  }
  if (queryId === METADATA) {
    const key = variables.input?.key ?? '';
    const found = variables.input?.type === 'INVITE' ? Object.values(all).find((entry) => entry.invite === key) : all[key];
    if (!found) return reply(null, { message: 'newsletter not found', code: 404 });
    return reply({ xwa2_newsletter: describeNewsletter(found, me) });
  }
  const target = all[variables.newsletter_id ?? ''];
  if (queryId === UPDATE_METADATA) {
    if (!target) return reply(null, { message: 'newsletter not found', code: 404 });
    if (target.owner !== me) return reply(null, { message: 'only the owner can change a channel', code: 403 });
    const updates = variables.updates ?? {};
    if (typeof updates.name === 'string' && updates.name.trim()) target.name = updates.name.trim();
    if (typeof updates.description === 'string') target.description = updates.description;
    if (updates.picture === '') delete target.picture;
    else if (typeof updates.picture === 'string') target.picture = { id: String(Date.now()), jpeg: updates.picture };
    network.state.changed();
    return reply({ xwa2_newsletter_update: describeNewsletter(target, me) });
  }
  const operations: Record<string, [string, (newsletter: NewsletterRecord) => void]> = {
    [FOLLOW]: ['xwa2_newsletter_join_v2', (newsletter) => void (newsletter.followers = [...new Set([...newsletter.followers, me])])],
    [UNFOLLOW]: ['xwa2_newsletter_leave_v2', (newsletter) => void (newsletter.followers = newsletter.followers.filter((phone) => phone !== me))],
    [MUTE]: ['xwa2_newsletter_mute_v2', (newsletter) => void (newsletter.muted = [...new Set([...newsletter.muted, me])])],
    [UNMUTE]: ['xwa2_newsletter_unmute_v2', (newsletter) => void (newsletter.muted = newsletter.muted.filter((phone) => phone !== me))],
    [DELETE]: ['xwa2_newsletter_delete_v2', (newsletter) => void delete all[newsletter.id]],
  };
  const operation = operations[queryId ?? ''];
  if (!operation) return reply(null, { message: `query ${queryId ?? '?'} is not simulated`, code: 501 });
  if (!target) return reply(null, { message: 'newsletter not found', code: 404 });
  if (queryId === DELETE && target.owner !== me) return reply(null, { message: 'only the owner can delete a channel', code: 403 });
  operation[1](target);
  network.state.changed();
  return reply({ [operation[0]]: { id: target.id } });
}

/** A post to a channel: stored with a server id and pushed to every follower's devices. */
export function relayNewsletterMessage(network: Network, connection: Connection, node: BinaryNode, ack: (extra?: Record<string, string>) => void): void {
  const me = connection.phone ?? '';
  const newsletter = network.state.data.newsletters?.[node.attrs.to ?? ''];
  if (!newsletter) return ack({ error: '404' });
  if (newsletter.owner !== me) return ack({ error: '403' });
  const plaintext = getBinaryNodeChild(node, 'plaintext');
  if (!(plaintext?.content instanceof Uint8Array)) return ack({ error: '400' });
  const messages = (newsletter.messages ??= []);
  const post = { serverId: (messages.at(-1)?.serverId ?? 100) + 1, id: node.attrs.id ?? '', t: Math.floor(Date.now() / 1000), type: node.attrs.type ?? 'text', plaintext: Buffer.from(plaintext.content).toString('base64') };
  messages.push(post);
  network.state.changed();
  ack({ server_id: String(post.serverId) });
  for (const phone of newsletter.followers) {
    const account = network.state.account(phone);
    if (!account) continue;
    for (const device of network.linkedDevices(account)) {
      if (phone === me && device.id === connection.device) continue;
      network.deliver(account, device.id, {
        tag: 'notification',
        attrs: { from: newsletter.id, type: 'newsletter', id: randomBytes(8).toString('hex'), t: String(post.t) },
        content: [postNode(post)],
      });
    }
  }
}

function postNode(post: NonNullable<NewsletterRecord['messages']>[number]): BinaryNode {
  return {
    tag: 'message',
    attrs: { server_id: String(post.serverId), message_id: post.id, t: String(post.t), type: post.type },
    content: [{ tag: 'plaintext', attrs: {}, content: Buffer.from(post.plaintext, 'base64') }],
  };
}

/** `newsletter` iq: message_updates (recent posts) and live_updates (subscription). */
export function answerNewsletter(network: Network, connection: Connection, node: BinaryNode): void {
  const newsletter = network.state.data.newsletters?.[node.attrs.to ?? ''];
  if (!newsletter) return network.replyError(connection, node, 404, 'item-not-found');
  const updates = getBinaryNodeChild(node, 'message_updates');
  if (updates) {
    const count = Math.max(1, Math.min(100, Number(updates.attrs.count ?? 20)));
    const posts = (newsletter.messages ?? []).slice(-count);
    return network.reply(connection, node, [{ tag: 'message_updates', attrs: {}, content: [{ tag: 'messages', attrs: { jid: newsletter.id }, content: posts.map(postNode) }] }]);
  }
  if (getBinaryNodeChild(node, 'live_updates')) return network.reply(connection, node, [{ tag: 'live_updates', attrs: { duration: '300' } }]);
  network.replyError(connection, node, 501, 'feature-not-implemented');
}
