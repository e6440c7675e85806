// WAHA's ApiKeyRequest, ScopedApiKeyRequest and ApiKeyDTO.
import { Type } from '@sinclair/typebox';
import { SCOPES } from '../../keys/model.ts';
import { SessionName } from './sessions.ts';

const SCOPE_DESCRIPTIONS: Record<(typeof SCOPES)[number], string> = {
  read: 'Read session data (messages, contacts, chats, groups, profile, files, events)',
  send: 'Send messages and manage session entities (groups, labels, channels, contacts, statuses)',
  control: 'Session lifecycle: start, stop, restart, logout, QR and pairing code',
  setting: 'Session config (including its webhooks) and the profile (name, about, picture)',
  app: 'Manage apps (zapd serves no apps: kept for WAHA compatibility)',
  delete: 'Delete the session, its chats and messages (off by default)',
};

// Unknown names are refused: a misspelt scope silently ignored would grant the default instead.
export const SessionActionsSchema = Type.Object(
  Object.fromEntries(SCOPES.map((scope) => [scope, Type.Optional(Type.Boolean({ description: SCOPE_DESCRIPTIONS[scope] }))])),
  { additionalProperties: false, description: 'Scopes of a session key; missing ones take the defaults (all but delete)' },
);

export const ApiKeyRequest = Type.Object({
  isAdmin: Type.Optional(Type.Boolean({ default: false })),
  session: Type.Optional(Type.Union([SessionName, Type.Null()], { default: null })),
  isActive: Type.Optional(Type.Boolean({ default: true })),
  actions: Type.Optional(Type.Union([SessionActionsSchema, Type.Null()], { default: null })),
});

export const ScopedApiKeyRequest = Type.Object({ session: SessionName });

export const ApiKeyDTO = Type.Object({
  id: Type.String({ examples: ['key_id_00000000000000000000000000'] }),
  key: Type.String({ description: 'The key: in full only when it is created (and from /media and /control); a hint elsewhere' }),
  isActive: Type.Boolean(),
  isAdmin: Type.Boolean(),
  session: Type.Union([Type.String(), Type.Null()]),
  actions: Type.Union([SessionActionsSchema, Type.Null()]),
  purpose: Type.Optional(Type.Union([Type.Literal('media'), Type.Literal('control')], { description: 'zapd: set on media and control keys' })),
});
