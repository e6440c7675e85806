import { Type } from '@sinclair/typebox';

export const MediaSchema = Type.Object({
  url: Type.Union([Type.String(), Type.Null()]),
  mimetype: Type.Union([Type.String(), Type.Null()]),
  filename: Type.Union([Type.String(), Type.Null()]),
  error: Type.Union([Type.Object({ message: Type.String() }), Type.Null()]),
});

/** WAHA's message payload (responses and `message*` events). */
export const MessageSchema = Type.Object(
  {
    id: Type.String({ description: 'true_<chatId>_<id> or false_<chatId>_<id>' }),
    timestamp: Type.Number(),
    from: Type.String(),
    fromMe: Type.Boolean(),
    source: Type.Union([Type.Literal('api'), Type.Literal('app')]),
    to: Type.Optional(Type.String({ description: 'The group, for a group message; absent in 1:1 chats' })),
    participant: Type.Optional(Type.String({ description: 'The author of a group message; absent in 1:1 chats' })),
    author: Type.Optional(Type.String({ description: 'The author of a group message someone else sent' })),
    body: Type.Union([Type.String(), Type.Null()]),
    hasMedia: Type.Boolean(),
    media: Type.Union([MediaSchema, Type.Null()]),
    mediaUrl: Type.Optional(Type.String({ description: 'Deprecated: media.url' })),
    ack: Type.Integer({ description: '-1 ERROR, 0 PENDING, 1 SERVER, 2 DEVICE, 3 READ, 4 PLAYED' }),
    ackName: Type.String(),
    location: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
    vCards: Type.Array(Type.String()),
    replyTo: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
    _data: Type.Unknown({ description: 'The raw engine message; its shape may change' }),
  },
  { additionalProperties: true },
);

/**
 * What a send answers: WAHA's message, plus the top-level fields of the raw WhatsApp message that
 * WAHA's NOWEB engine answers (`key.id`, `messageTimestamp` and `status` as NOWEB gives them).
 */
export const SentMessageSchema = Type.Object(
  {
    ...MessageSchema.properties,
    key: Type.Object(
      {
        remoteJid: Type.Optional(Type.String()),
        fromMe: Type.Optional(Type.Boolean()),
        id: Type.Optional(Type.String()),
        participant: Type.Optional(Type.String()),
      },
      { additionalProperties: true, description: "NOWEB's raw message key" },
    ),
    message: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()], { description: "NOWEB's raw message content" }),
    messageTimestamp: Type.Union([Type.String(), Type.Number()], { description: 'Seconds since the epoch, as a string (NOWEB)' }),
    status: Type.Union([Type.String(), Type.Number()], { description: "The raw send status, e.g. 'PENDING' (NOWEB)" }),
  },
  { additionalProperties: true },
);
