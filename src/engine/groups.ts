// Group DTOs in the shape WAHA's NOWEB engine returns (Baileys' group metadata, ids as @c.us).

export interface GroupParticipant {
  id: string;
  admin: 'admin' | 'superadmin' | null;
}

export interface Group {
  id: string;
  subject: string;
  subjectOwner?: string;
  subjectTime?: number;
  size: number;
  creation?: number;
  owner?: string;
  desc?: string;
  descId?: string;
  /** Only admins edit the group info. */
  restrict: boolean;
  /** Only admins send messages. */
  announce: boolean;
  participants: GroupParticipant[];
}

export type ParticipantAction = 'add' | 'remove' | 'promote' | 'demote';

export interface GroupEngine {
  groupCreate(subject: string, participants: string[]): Promise<Group>;
  groupList(): Promise<Group[]>;
  groupGet(id: string): Promise<Group>;
  groupLeave(id: string): Promise<void>;
  groupSetSubject(id: string, subject: string): Promise<void>;
  groupSetDescription(id: string, description: string): Promise<void>;
  groupSetAdminsOnly(id: string, setting: 'info' | 'messages', adminsOnly: boolean): Promise<void>;
  groupInviteCode(id: string): Promise<string>;
  groupRevokeInvite(id: string): Promise<string>;
  groupJoin(code: string): Promise<string>;
  groupJoinInfo(code: string): Promise<Group>;
  groupParticipants(id: string, action: ParticipantAction, participants: string[]): Promise<Array<{ id: string; status: string }>>;
}
