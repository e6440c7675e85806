import type { GroupMetadata, WASocket } from 'baileys';
import { badRequest, notFound } from '../../errors.ts';
import type { Group, GroupEngine, ParticipantAction } from '../groups.ts';
import { toWahaChatId, toWhatsAppJid } from './jids.ts';

export function toGroup(metadata: GroupMetadata): Group {
  return {
    id: metadata.id,
    subject: metadata.subject,
    ...(metadata.subjectOwner ? { subjectOwner: toWahaChatId(metadata.subjectOwner) } : {}),
    ...(metadata.subjectTime ? { subjectTime: metadata.subjectTime } : {}),
    size: metadata.size ?? metadata.participants.length,
    ...(metadata.creation ? { creation: metadata.creation } : {}),
    ...(metadata.owner ? { owner: toWahaChatId(metadata.owner) } : {}),
    ...(metadata.desc ? { desc: metadata.desc } : {}),
    ...(metadata.descId ? { descId: metadata.descId } : {}),
    restrict: metadata.restrict === true,
    announce: metadata.announce === true,
    participants: metadata.participants.map((participant) => ({ id: toWahaChatId(participant.id), admin: participant.admin ?? null })),
  };
}

/** WhatsApp answers an unknown group with item-not-found; that is the API's 404. */
async function lookup<T>(run: () => Promise<T>, id: string): Promise<T> {
  try {
    return await run();
  } catch (error) {
    // Baileys raises WhatsApp's <error code> as the Boom's data (its statusCode is then 500).
    const failure = error as { output?: { statusCode?: number }; data?: unknown };
    const code = typeof failure.data === 'number' ? failure.data : failure.output?.statusCode;
    if (code === 404 || code === 403) throw notFound(`Group '${id}' not found or you are not a participant`);
    throw error;
  }
}

function assertGroupId(id: string): string {
  if (!/^[\d-]+@g\.us$/.test(id)) throw badRequest(`'${id}' is not a group id (123-456@g.us or 120363…@g.us)`);
  return id;
}

export function groupVerbs(socket: () => WASocket): GroupEngine {
  return {
    async groupCreate(subject, participants) {
      return toGroup(await socket().groupCreate(subject, participants.map(toWhatsAppJid)));
    },
    async groupList() {
      return Object.values(await socket().groupFetchAllParticipating()).map(toGroup);
    },
    async groupGet(id) {
      return toGroup(await lookup(() => socket().groupMetadata(assertGroupId(id)), id));
    },
    async groupLeave(id) {
      await lookup(() => socket().groupLeave(assertGroupId(id)), id);
    },
    async groupSetSubject(id, subject) {
      await lookup(() => socket().groupUpdateSubject(assertGroupId(id), subject), id);
    },
    async groupSetDescription(id, description) {
      await lookup(() => socket().groupUpdateDescription(assertGroupId(id), description || undefined), id);
    },
    async groupSetAdminsOnly(id, setting, adminsOnly) {
      const value = setting === 'info' ? (adminsOnly ? 'locked' : 'unlocked') : adminsOnly ? 'announcement' : 'not_announcement';
      await lookup(() => socket().groupSettingUpdate(assertGroupId(id), value), id);
    },
    async groupInviteCode(id) {
      const code = await lookup(() => socket().groupInviteCode(assertGroupId(id)), id);
      if (!code) throw notFound(`Group '${id}' has no invite code`);
      return code;
    },
    async groupRevokeInvite(id) {
      const code = await lookup(() => socket().groupRevokeInvite(assertGroupId(id)), id);
      if (!code) throw notFound(`Group '${id}' has no invite code`);
      return code;
    },
    async groupJoin(code) {
      const id = await lookup(() => socket().groupAcceptInvite(code), code);
      if (!id) throw notFound(`No group for invite code '${code}'`);
      return id;
    },
    async groupJoinInfo(code) {
      return toGroup(await lookup(() => socket().groupGetInviteInfo(code), code));
    },
    async groupParticipants(id, action: ParticipantAction, participants) {
      const results = await lookup(() => socket().groupParticipantsUpdate(assertGroupId(id), participants.map(toWhatsAppJid), action), id);
      return results.map((result) => ({ id: toWahaChatId(result.jid ?? ''), status: result.status }));
    },
  };
}
