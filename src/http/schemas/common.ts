import { Type } from '@sinclair/typebox';

export const ErrorResponse = Type.Object(
  {
    statusCode: Type.Integer(),
    error: Type.String(),
    message: Type.String(),
    session: Type.Optional(Type.String({ description: 'On a 422 for a session that is not ready: the session' })),
    status: Type.Optional(Type.String({ description: 'On a 422 for a session that is not ready: its status' })),
    expected: Type.Optional(Type.Array(Type.String(), { description: 'On a 422 for a session that is not ready: the statuses the call needs' })),
  },
  { $id: 'ErrorResponse', description: 'Every error, whatever the route' },
);
