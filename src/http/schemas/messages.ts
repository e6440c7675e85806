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
    to: Type.String(),
    participant: Type.Union([Type.String(), Type.Null()]),
    body: Type.Union([Type.String(), Type.Null()]),
    hasMedia: Type.Boolean(),
    media: Type.Union([MediaSchema, Type.Null()]),
    ack: Type.Integer({ description: '-1 ERROR, 0 PENDING, 1 SERVER, 2 DEVICE, 3 READ, 4 PLAYED' }),
    ackName: Type.String(),
    location: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
    vCards: Type.Array(Type.String()),
    replyTo: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
    _data: Type.Unknown({ description: 'The raw engine message; its shape may change' }),
  },
  { additionalProperties: true },
);
