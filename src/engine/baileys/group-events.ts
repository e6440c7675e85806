// Baileys' group happenings → WAHA's group events (group.join/leave and group.v2.*), in the 2026
// shapes of WAHA's NOWEB engine: millisecond timestamps, GroupInfo groups, the raw update as `_data`.
import { areJidsSameUser, isPnUser, jidNormalizedUser } from 'baileys';
import type { GroupMetadata, GroupParticipant, ParticipantAction, WASocket } from 'baileys';
import type { Logger } from 'pino';
import type { EngineListener } from '../types.ts';
import { toWahaChatId } from './jids.ts';

export type GroupRole = 'left' | 'participant' | 'admin' | 'superadmin';

export interface GroupInfoParticipant {
  id: string;
  pn: string | null;
  role: GroupRole;
}

/** WAHA's GroupInfo. */
export interface GroupInfo {
  id: string;
  subject?: string;
  description?: string;
  invite?: string;
  participants?: GroupInfoParticipant[];
  membersCanAddNewMember?: boolean;
  membersCanSendMessages?: boolean;
  newMembersApprovalRequired?: boolean;
}

function phoneNumberOf(participant: GroupParticipant | string): string | null {
  if (typeof participant === 'string') return isPnUser(participant) ? toWahaChatId(participant) : null;
  if (participant.phoneNumber) return toWahaChatId(participant.phoneNumber);
  return participant.id && isPnUser(participant.id) ? toWahaChatId(participant.id) : null;
}

function roleOf(participant: GroupParticipant): GroupRole {
  if (participant.admin === 'superadmin') return 'superadmin';
  return participant.admin === 'admin' ? 'admin' : 'participant';
}

export function toGroupInfo(group: Partial<GroupMetadata> & { id: string }): GroupInfo {
  return {
    id: toWahaChatId(group.id),
    ...(group.subject !== undefined ? { subject: group.subject } : {}),
    ...(group.desc !== undefined ? { description: group.desc } : {}),
    ...(group.inviteCode ? { invite: `https://chat.whatsapp.com/${group.inviteCode}` } : {}),
    ...(group.participants?.length
      ? { participants: group.participants.map((participant) => ({ id: toWahaChatId(participant.id), pn: phoneNumberOf(participant), role: roleOf(participant) })) }
      : {}),
    ...(group.memberAddMode !== undefined ? { membersCanAddNewMember: group.memberAddMode } : {}),
    // `announce` is "only admins send": members may send when it is off.
    ...(group.announce !== undefined ? { membersCanSendMessages: !group.announce } : {}),
    ...(group.joinApprovalMode !== undefined ? { newMembersApprovalRequired: group.joinApprovalMode } : {}),
  };
}

/** The role each participant has after the change; `left` once removed. */
const ROLE_AFTER: Record<ParticipantAction, GroupRole> = { add: 'participant', remove: 'left', promote: 'admin', demote: 'participant', modify: 'participant' };
const TYPE_OF: Partial<Record<ParticipantAction, 'join' | 'leave' | 'promote' | 'demote'>> = { add: 'join', remove: 'leave', promote: 'promote', demote: 'demote' };

export interface GroupEventsContext {
  listener: EngineListener;
  logger: Logger;
  /** Our own ids (phone-number jid and LID), as far as known. */
  myIds(): string[];
}

export function wireGroupEvents(socket: WASocket, context: GroupEventsContext): void {
  const { listener, logger } = context;
  const isMe = (participant: GroupParticipant | string) => {
    const ids = typeof participant === 'string' ? [participant] : [participant.id, participant.phoneNumber, participant.lid];
    return ids.some((id) => id && context.myIds().some((mine) => areJidsSameUser(jidNormalizedUser(id), jidNormalizedUser(mine))));
  };

  /** Joining: the whole group, as WhatsApp tells it now (an added member learns nothing else). */
  async function joined(groupJid: string, known?: GroupMetadata): Promise<void> {
    let metadata = known;
    if (!metadata) {
      try {
        metadata = await socket.groupMetadata(groupJid);
      } catch (error) {
        logger.warn({ err: error, group: groupJid }, 'could not read the group just joined');
      }
    }
    const group = metadata ?? ({ id: groupJid, subject: '', participants: [], owner: undefined } satisfies GroupMetadata);
    void listener.event('group.join', { ...group, id: toWahaChatId(group.id), _data: group });
    void listener.event('group.v2.join', { timestamp: Date.now(), group: toGroupInfo(group), _data: group });
  }

  socket.ev.on('groups.upsert', (groups) => {
    for (const group of groups) void joined(group.id, group);
  });

  socket.ev.on('group-participants.update', (update) => {
    const { id, participants, action, author } = update;
    const type = TYPE_OF[action];
    if (!type) return;
    const role = ROLE_AFTER[action];
    const timestamp = Date.now();
    void listener.event('group.v2.participants', {
      group: { id: toWahaChatId(id) },
      type,
      timestamp,
      participants: participants.map((participant) => ({
        id: toWahaChatId(typeof participant === 'string' ? participant : participant.id),
        pn: phoneNumberOf(participant),
        role,
      })),
      _data: update,
    });
    if (!participants.some(isMe)) return;
    if (action === 'add') void joined(id);
    if (action === 'remove') {
      void listener.event('group.v2.leave', { timestamp, group: { id: toWahaChatId(id) }, _data: update });
      const byMyself = typeof author === 'string' && isMe(author);
      void listener.event('group.leave', {
        id: toWahaChatId(id),
        chatId: toWahaChatId(id),
        type: byMyself ? 'leave' : 'remove',
        author: author ? toWahaChatId(author) : null,
        recipientIds: participants.map((participant) => toWahaChatId(typeof participant === 'string' ? participant : participant.id)),
        timestamp: Math.floor(timestamp / 1000),
        _data: update,
      });
    }
  });

  // Baileys also reports every group it re-reads (groupFetchAllParticipating) as an update; only
  // the ones a change notification produced name their author, and only those are changes.
  socket.ev.on('groups.update', (updates) => {
    for (const update of updates) {
      if (!update.id || !Object.hasOwn(update, 'author')) continue;
      const groupJid = update.id;
      void (async () => {
        let full: GroupMetadata | undefined;
        try {
          full = await socket.groupMetadata(groupJid);
        } catch (error) {
          logger.warn({ err: error, group: groupJid }, 'could not read the changed group');
        }
        void listener.event('group.v2.update', { timestamp: Date.now(), group: toGroupInfo({ ...full, ...stripUndefined(update), id: groupJid }), _data: update });
      })();
    }
  });
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}
