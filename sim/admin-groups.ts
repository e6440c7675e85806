// Admin routes that make a virtual contact act on groups, as a person on a phone would: create a
// group with us, add, remove, promote or demote members, rename it, leave it. The contact is a real
// client, so each change goes through the w:g2 handlers and every member gets WhatsApp's w:gp2
// notification of it.
import { stringField, type AdminApi } from './admin.ts';
import { SimulatorError } from './network.ts';
import { toJid, type VirtualContacts } from './virtual-contacts.ts';

type Body = Record<string, unknown>;
const ACTIONS = ['add', 'remove', 'promote', 'demote'] as const;
type Action = (typeof ACTIONS)[number];

function participants(body: Body): string[] {
  const value = body.participants;
  if (!Array.isArray(value) || value.length === 0 || value.some((item) => typeof item !== 'string')) {
    throw new SimulatorError(400, 'participants must be a non-empty array of phone numbers or jids');
  }
  return (value as string[]).map(toJid);
}

function groupJid(value: string | undefined): string {
  const id = decodeURIComponent(value ?? '');
  if (!/^\d[\d-]*@g\.us$/.test(id)) throw new SimulatorError(400, `'${id}' is not a group id`);
  return id;
}

export function registerGroupRoutes(api: AdminApi, contacts: VirtualContacts): void {
  const socketOf = (phone: string | undefined) => {
    const socket = contacts.get(phone ?? '').client.socket;
    if (!socket) throw new SimulatorError(409, `virtual contact ${phone ?? ''} is not connected`);
    return socket;
  };

  api.add('POST', 'accounts/:phone/groups', async ({ path, body }) => {
    const group = await socketOf(path[1]).groupCreate(stringField(body, 'subject', true), participants(body));
    return { id: group.id, subject: group.subject, participants: group.participants.map((participant) => ({ id: participant.id, admin: participant.admin ?? null })) };
  });

  api.add('POST', 'accounts/:phone/groups/:id/participants', async ({ path, body }) => {
    const action = stringField(body, 'action', true);
    if (!ACTIONS.includes(action as Action)) throw new SimulatorError(400, `action must be one of ${ACTIONS.join(', ')}`);
    const results = await socketOf(path[1]).groupParticipantsUpdate(groupJid(path[3]), participants(body), action as Action);
    return results.map((result) => ({ jid: result.jid, status: result.status }));
  });

  api.add('POST', 'accounts/:phone/groups/:id/subject', async ({ path, body }) => {
    await socketOf(path[1]).groupUpdateSubject(groupJid(path[3]), stringField(body, 'subject', true));
    return { ok: true };
  });

  api.add('POST', 'accounts/:phone/groups/:id/leave', async ({ path }) => {
    await socketOf(path[1]).groupLeave(groupJid(path[3]));
    return { ok: true };
  });
}
