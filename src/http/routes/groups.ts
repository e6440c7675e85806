import { Type, type Static } from '@sinclair/typebox';
import type { ParticipantAction } from '../../engine/groups.ts';
import type { RoutePlugin } from '../deps.ts';
import { isGroupId, toChatId } from '../dialect.ts';
import { badRequest } from '../../errors.ts';
import { FileSchema } from '../schemas/chatting.ts';
import { ErrorResponse } from '../schemas/common.ts';
import { fileUrlPolicy } from '../../media/policy.ts';
import { resolveFile } from '../../media/resolve-file.ts';
import { SessionName } from '../schemas/sessions.ts';
import { decodeParam } from '../decode-param.ts';

const tags = ['👥 Groups'];
const errors = { 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse, 422: ErrorResponse };
const SessionParams = Type.Object({ session: SessionName });
const GroupParams = Type.Object({ session: SessionName, id: Type.String({ minLength: 5, description: 'Group id, e.g. 120363…@g.us' }) });
type GroupParamsType = Static<typeof GroupParams>;
const Participants = Type.Object({ participants: Type.Array(Type.Object({ id: Type.String({ minLength: 3 }) }), { minItems: 1 }) });
const GroupSchema = Type.Object(
  {
    id: Type.String(),
    subject: Type.String(),
    size: Type.Integer(),
    restrict: Type.Boolean(),
    announce: Type.Boolean(),
    participants: Type.Array(Type.Object({ id: Type.String(), admin: Type.Union([Type.String(), Type.Null()]) })),
  },
  { additionalProperties: true },
);
const Ok = Type.Object({ success: Type.Boolean() });
const AdminsOnly = Type.Object({ adminsOnly: Type.Boolean() });

function groupId(id: string): string {
  const value = decodeParam(id);
  if (!isGroupId(value)) throw badRequest(`'${id}' is not a group id`);
  return value;
}

export const groupRoutes: RoutePlugin = async (app, { sessions, config }) => {
  const engine = (session: string) => sessions.workingEngine(session);

  app.post<{ Params: Static<typeof SessionParams>; Body: { name: string } & Static<typeof Participants> }>(
    '/api/:session/groups',
    { schema: { tags, summary: 'Create a group', params: SessionParams, body: Type.Composite([Type.Object({ name: Type.String({ minLength: 1, maxLength: 100 }) }), Participants]), response: { 201: GroupSchema, ...errors } } },
    async (request, reply) => reply.code(201).send(await (await engine(request.params.session)).groupCreate(request.body.name, request.body.participants.map((participant) => toChatId(participant.id)))),
  );
  app.get<{ Params: Static<typeof SessionParams> }>(
    '/api/:session/groups',
    { schema: { tags, summary: 'Groups you are in', params: SessionParams, response: { 200: Type.Array(GroupSchema), ...errors } } },
    async (request) => (await engine(request.params.session)).groupList(),
  );
  app.get<{ Params: Static<typeof SessionParams> }>(
    '/api/:session/groups/count',
    { schema: { tags, summary: 'How many groups you are in', params: SessionParams, response: { 200: Type.Object({ count: Type.Integer() }), ...errors } } },
    async (request) => ({ count: (await (await engine(request.params.session)).groupList()).length }),
  );
  app.post<{ Params: Static<typeof SessionParams> }>(
    '/api/:session/groups/refresh',
    { schema: { tags, summary: 'Fetch the group list again from WhatsApp', params: SessionParams, response: { 201: Ok, ...errors } } },
    async (request, reply) => {
      await (await engine(request.params.session)).groupList();
      return reply.code(201).send({ success: true });
    },
  );
  const Code = Type.Object({ code: Type.String({ minLength: 5, description: 'Invite code or https://chat.whatsapp.com/<code>' }) });
  const codeOf = (value: string) => value.replace(/^https?:\/\/chat\.whatsapp\.com\//, '').trim();
  app.get<{ Params: Static<typeof SessionParams>; Querystring: Static<typeof Code> }>(
    '/api/:session/groups/join-info',
    { schema: { tags, summary: 'What group an invite code leads to', params: SessionParams, querystring: Code, response: { 200: GroupSchema, ...errors } } },
    async (request) => (await engine(request.params.session)).groupJoinInfo(codeOf(request.query.code)),
  );
  app.post<{ Params: Static<typeof SessionParams>; Body: Static<typeof Code> }>(
    '/api/:session/groups/join',
    { schema: { tags, summary: 'Join a group by invite code or link', params: SessionParams, body: Code, response: { 201: Type.Object({ id: Type.String() }), ...errors } } },
    async (request, reply) => reply.code(201).send({ id: await (await engine(request.params.session)).groupJoin(codeOf(request.body.code)) }),
  );
  app.get<{ Params: GroupParamsType }>(
    '/api/:session/groups/:id',
    { schema: { tags, summary: 'Group metadata', params: GroupParams, response: { 200: GroupSchema, ...errors } } },
    async (request) => (await engine(request.params.session)).groupGet(groupId(request.params.id)),
  );
  app.post<{ Params: GroupParamsType }>(
    '/api/:session/groups/:id/leave',
    { schema: { tags, summary: 'Leave the group', params: GroupParams, response: { 201: Ok, ...errors } } },
    async (request, reply) => {
      await (await engine(request.params.session)).groupLeave(groupId(request.params.id));
      return reply.code(201).send({ success: true });
    },
  );
  app.delete<{ Params: GroupParamsType }>(
    '/api/:session/groups/:id',
    { schema: { tags, summary: 'Delete the group: remove every other participant, then leave (admins only)', params: GroupParams, response: { 200: Ok, ...errors } } },
    async (request) => {
      const id = groupId(request.params.id);
      const whatsapp = await engine(request.params.session);
      const me = await sessions.me(request.params.session);
      const others = (await whatsapp.groupGet(id)).participants.map((participant) => participant.id).filter((participant) => participant !== me?.id);
      if (others.length > 0) await whatsapp.groupParticipants(id, 'remove', others);
      await whatsapp.groupLeave(id);
      return { success: true };
    },
  );
  for (const [field, setter] of [
    ['subject', 'groupSetSubject'],
    ['description', 'groupSetDescription'],
  ] as const) {
    app.put<{ Params: GroupParamsType; Body: Record<string, string> }>(
      `/api/:session/groups/:id/${field}`,
      { schema: { tags, summary: `Set the group ${field}`, params: GroupParams, body: Type.Object({ [field]: Type.String({ maxLength: field === 'subject' ? 100 : 2048 }) }), response: { 200: Ok, ...errors } } },
      async (request) => {
        await (await engine(request.params.session))[setter](groupId(request.params.id), request.body[field] ?? '');
        return { success: true };
      },
    );
  }
  for (const [path, setting] of [
    ['info-admin-only', 'info'],
    ['messages-admin-only', 'messages'],
  ] as const) {
    app.get<{ Params: GroupParamsType }>(
      `/api/:session/groups/:id/settings/security/${path}`,
      { schema: { tags, summary: `Whether only admins ${setting === 'info' ? 'edit the group info' : 'send messages'}`, params: GroupParams, response: { 200: AdminsOnly, ...errors } } },
      async (request) => {
        const group = await (await engine(request.params.session)).groupGet(groupId(request.params.id));
        return { adminsOnly: setting === 'info' ? group.restrict : group.announce };
      },
    );
    app.put<{ Params: GroupParamsType; Body: Static<typeof AdminsOnly> }>(
      `/api/:session/groups/:id/settings/security/${path}`,
      { schema: { tags, summary: `Let only admins ${setting === 'info' ? 'edit the group info' : 'send messages'}`, params: GroupParams, body: AdminsOnly, response: { 200: AdminsOnly, ...errors } } },
      async (request) => {
        await (await engine(request.params.session)).groupSetAdminsOnly(groupId(request.params.id), setting, request.body.adminsOnly);
        return { adminsOnly: request.body.adminsOnly };
      },
    );
  }
  app.get<{ Params: GroupParamsType }>(
    '/api/:session/groups/:id/invite-code',
    { schema: { tags, summary: 'Invite link of the group', params: GroupParams, response: { 200: Type.String(), ...errors } } },
    async (request, reply) => reply.type('application/json').send(JSON.stringify(`https://chat.whatsapp.com/${await (await engine(request.params.session)).groupInviteCode(groupId(request.params.id))}`)),
  );
  app.post<{ Params: GroupParamsType }>(
    '/api/:session/groups/:id/invite-code/revoke',
    { schema: { tags, summary: 'Revoke the invite link and get a new one', params: GroupParams, response: { 201: Type.String(), ...errors } } },
    async (request, reply) => reply.code(201).type('application/json').send(JSON.stringify(`https://chat.whatsapp.com/${await (await engine(request.params.session)).groupRevokeInvite(groupId(request.params.id))}`)),
  );
  app.get<{ Params: GroupParamsType }>(
    '/api/:session/groups/:id/participants',
    { schema: { tags, summary: 'Participants and their roles', params: GroupParams, response: { 200: Type.Array(Type.Object({ id: Type.String(), role: Type.String(), isAdmin: Type.Boolean(), isSuperAdmin: Type.Boolean() })), ...errors } } },
    async (request) =>
      (await (await engine(request.params.session)).groupGet(groupId(request.params.id))).participants.map((participant) => ({
        id: participant.id,
        role: participant.admin ?? 'participant',
        isAdmin: participant.admin !== null,
        isSuperAdmin: participant.admin === 'superadmin',
      })),
  );
  // WAHA's v2 shape: one role word per participant, and the phone id beside a LID when known.
  app.get<{ Params: GroupParamsType }>(
    '/api/:session/groups/:id/participants/v2',
    { schema: { tags, summary: 'Participants and their role (participant, admin or superadmin)', params: GroupParams, response: { 200: Type.Array(Type.Object({ id: Type.String(), pn: Type.Optional(Type.String()), role: Type.String() })), ...errors } } },
    async (request) =>
      (await (await engine(request.params.session)).groupGet(groupId(request.params.id))).participants.map((participant) => ({
        id: participant.id,
        ...(participant.id.endsWith('@c.us') ? { pn: participant.id } : {}),
        role: participant.admin ?? 'participant',
      })),
  );
  for (const [path, action] of [
    ['participants/add', 'add'],
    ['participants/remove', 'remove'],
    ['admin/promote', 'promote'],
    ['admin/demote', 'demote'],
  ] as const satisfies ReadonlyArray<readonly [string, ParticipantAction]>) {
    app.post<{ Params: GroupParamsType; Body: Static<typeof Participants> }>(
      `/api/:session/groups/:id/${path}`,
      { schema: { tags, summary: `${action[0]?.toUpperCase()}${action.slice(1)} participants`, params: GroupParams, body: Participants, response: { 201: Type.Array(Type.Object({ id: Type.String(), status: Type.String() })), ...errors } } },
      async (request, reply) =>
        reply.code(201).send(await (await engine(request.params.session)).groupParticipants(groupId(request.params.id), action, request.body.participants.map((participant) => toChatId(participant.id)))),
    );
  }
  app.get<{ Params: GroupParamsType }>(
    '/api/:session/groups/:id/picture',
    { schema: { tags, summary: 'Group picture URL', params: GroupParams, response: { 200: Type.Object({ url: Type.Union([Type.String(), Type.Null()]) }), ...errors } } },
    async (request) => ({ url: await (await engine(request.params.session)).pictureUrl(groupId(request.params.id)) }),
  );
  app.put<{ Params: GroupParamsType; Body: { file: Static<typeof FileSchema> } }>(
    '/api/:session/groups/:id/picture',
    { schema: { tags, summary: 'Set the group picture', params: GroupParams, body: Type.Object({ file: FileSchema }), response: { 200: Ok, ...errors } } },
    async (request) => {
      const image = await resolveFile(request.body.file, { urlPolicy: fileUrlPolicy(config, await sessions.proxyOf(request.params.session)), fallbackMimetype: 'image/jpeg' });
      await (await engine(request.params.session)).setPicture(groupId(request.params.id), image.data);
      return { success: true };
    },
  );
  app.delete<{ Params: GroupParamsType }>(
    '/api/:session/groups/:id/picture',
    { schema: { tags, summary: 'Remove the group picture', params: GroupParams, response: { 200: Ok, ...errors } } },
    async (request) => {
      await (await engine(request.params.session)).removePicture(groupId(request.params.id));
      return { success: true };
    },
  );
};
