// WAHA's Chatting request bodies. `session` defaults to "default"; Wappfy's `sessionId`/`jid` are
// folded into `session`/`chatId` before validation (see dialect.ts).
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { SESSION_NAME_PATTERN } from './sessions.ts';

export const SessionField = Type.String({ pattern: SESSION_NAME_PATTERN, default: 'default', description: 'Session name (Wappfy: sessionId)' });
export const ChatIdField = Type.String({
  minLength: 3,
  maxLength: 128,
  description: 'Chat id: 123@c.us, 123@s.whatsapp.net, a bare number, 123-456@g.us, 123@lid or 123@newsletter (Wappfy: jid)',
});
/** sendText's cap, for every free text a message carries (captions, edits, previews). */
export const TEXT_MAX = 65536;
const Text = (minLength = 0) => Type.String({ ...(minLength ? { minLength } : {}), maxLength: TEXT_MAX });
/** Titles, addresses and descriptions: short by nature, bounded so none can carry megabytes. */
const ShortText = () => Type.String({ maxLength: 4096 });
const UrlText = (minLength: number) => Type.String({ minLength, maxLength: 8192 });

export const MessageIdField = Type.String({ minLength: 1, maxLength: 256, description: 'WAHA message id, e.g. true_123@c.us_3EB0ABCD' });

export const FileSchema = Type.Object(
  {
    mimetype: Type.Optional(Type.String({ minLength: 3 })),
    filename: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    url: Type.Optional(Type.String({ minLength: 1 })),
    data: Type.Optional(Type.String({ minLength: 1, description: 'base64 (a data: URL is accepted too)' })),
  },
  { description: 'A file by url or base64 data' },
);
export type FileBody = Static<typeof FileSchema>;

const ReplyTo = Type.Optional(Type.Union([MessageIdField, Type.Null()], { description: 'Message id to quote' }));
const Mentions = Type.Optional(Type.Union([Type.Array(ChatIdField), Type.Null()]));

function chatRequest<T extends Record<string, TSchema>>(fields: T) {
  return Type.Object({ session: Type.Optional(SessionField), chatId: ChatIdField, ...fields });
}

export const SendTextBody = chatRequest({
  text: Text(1),
  reply_to: ReplyTo,
  linkPreview: Type.Optional(Type.Boolean({ default: true })),
  linkPreviewHighQuality: Type.Optional(Type.Boolean()),
  mentions: Mentions,
});
export const SendTextQuery = Type.Object({
  session: Type.Optional(SessionField),
  phone: Type.String({ minLength: 3, description: 'Phone number or chat id' }),
  text: Text(1),
});
export const SendImageBody = chatRequest({ file: FileSchema, caption: Type.Optional(Text()), reply_to: ReplyTo, mentions: Mentions });
export const SendFileBody = SendImageBody;
export const SendVoiceBody = chatRequest({ file: FileSchema, reply_to: ReplyTo, convert: Type.Optional(Type.Boolean()) });
export const SendVideoBody = chatRequest({
  file: FileSchema,
  caption: Type.Optional(Text()),
  reply_to: ReplyTo,
  asNote: Type.Optional(Type.Boolean()),
  convert: Type.Optional(Type.Boolean()),
  mentions: Mentions,
});
export const SendLocationBody = chatRequest({
  latitude: Type.Number({ minimum: -90, maximum: 90 }),
  longitude: Type.Number({ minimum: -180, maximum: 180 }),
  title: Type.Optional(ShortText()),
  address: Type.Optional(ShortText()),
  url: Type.Optional(UrlText(0)),
  reply_to: ReplyTo,
});
export const VcardContact = Type.Union([
  Type.Object({ vcard: Type.String({ minLength: 10 }) }),
  Type.Object({
    fullName: Type.String({ minLength: 1 }),
    organization: Type.Optional(Type.String()),
    phoneNumber: Type.String({ minLength: 3 }),
    whatsappId: Type.Optional(Type.String()),
    vcard: Type.Optional(Type.Null()),
  }),
]);
export const SendContactVcardBody = chatRequest({ contacts: Type.Array(VcardContact, { minItems: 1 }), reply_to: ReplyTo });
export const SendPollBody = chatRequest({
  poll: Type.Object({
    name: Type.String({ minLength: 1, maxLength: 255 }),
    options: Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { minItems: 2, maxItems: 12, uniqueItems: true }),
    multipleAnswers: Type.Optional(Type.Boolean({ default: false })),
  }),
  reply_to: ReplyTo,
});
export const SendLinkPreviewBody = chatRequest({ url: UrlText(8), title: ShortText() });
export const SendLinkCustomPreviewBody = chatRequest({
  text: Text(1),
  preview: Type.Object({
    url: UrlText(8),
    title: ShortText(),
    description: Type.Optional(ShortText()),
    image: Type.Optional(FileSchema),
  }),
  reply_to: ReplyTo,
  linkPreviewHighQuality: Type.Optional(Type.Boolean()),
});
export const SendPollVoteBody = chatRequest({
  pollMessageId: MessageIdField,
  votes: Type.Array(Type.String({ minLength: 1 }), { description: 'Option names to vote for; empty retracts the vote' }),
});
export const ForwardBody = chatRequest({ messageId: MessageIdField });
export const SendSeenBody = chatRequest({
  messageId: Type.Optional(MessageIdField),
  messageIds: Type.Optional(Type.Array(MessageIdField)),
  participant: Type.Optional(Type.Union([ChatIdField, Type.Null()])),
});
export const TypingBody = chatRequest({});
export const ReactionBody = Type.Object({
  session: Type.Optional(SessionField),
  messageId: MessageIdField,
  reaction: Type.String({ maxLength: 16, description: 'Emoji, or empty string to remove the reaction' }),
});
export const StarBody = chatRequest({ messageId: MessageIdField, star: Type.Boolean() });
export const EditBody = Type.Object({
  text: Text(1),
  linkPreview: Type.Optional(Type.Boolean()),
  linkPreviewHighQuality: Type.Optional(Type.Boolean()),
});
export const CheckNumberQuery = Type.Object({ session: Type.Optional(SessionField), phone: Type.String({ minLength: 3 }) });
export const NumberStatus = Type.Object({ numberExists: Type.Boolean(), chatId: Type.Optional(Type.Union([Type.String(), Type.Null()])) });
