import { Type, type Static } from '@sinclair/typebox';
import QRCode from 'qrcode';
import { notImplemented } from '../../errors.ts';
import type { RoutePlugin } from '../deps.ts';
import { ErrorResponse } from '../schemas/common.ts';
import { SessionName } from '../schemas/sessions.ts';

const tags = ['🔑 Auth'];
const SessionParams = Type.Object({ session: SessionName });
const QrQuery = Type.Object({
  format: Type.Optional(Type.Union([Type.Literal('image'), Type.Literal('raw')], { default: 'image' })),
});
const RequestCodeBody = Type.Object({
  phoneNumber: Type.String({ pattern: '^\\+?[0-9][0-9 ()-]{5,20}$', description: 'International number, digits only or with +, spaces, dashes' }),
  method: Type.Optional(
    Type.Union([Type.String(), Type.Null()], {
      description: "Leave it out (or null): a linked device gets a pairing code. WAHA's sms/voice registration codes register a phone as a primary device, which a linked device cannot do: they answer 501",
    }),
  ),
});
const errors = { 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse, 422: ErrorResponse, 501: ErrorResponse };

/** Baileys gives 8 characters; WhatsApp's phone UI shows them as two groups of four. */
function formatPairingCode(code: string): string {
  return code.length === 8 ? `${code.slice(0, 4)}-${code.slice(4)}` : code;
}

export const authRoutes: RoutePlugin = async (app, { sessions }) => {
  app.get<{ Params: Static<typeof SessionParams>; Querystring: Static<typeof QrQuery> }>(
    '/api/:session/auth/qr',
    {
      schema: {
        tags,
        summary: 'QR code to link the account: PNG (default), JSON base64 with Accept: application/json, or ?format=raw',
        params: SessionParams,
        querystring: QrQuery,
        produces: ['image/png', 'application/json'],
        response: {
          200: Type.Union([
            Type.Object({ value: Type.String() }),
            Type.Object({ mimetype: Type.Literal('image/png'), data: Type.String({ description: 'base64 PNG' }) }),
            Type.Unknown({ description: 'PNG image' }),
          ]),
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const value = await sessions.qr(request.params.session);
      if (request.query.format === 'raw') return { value };
      const png = await QRCode.toBuffer(value, { type: 'png', margin: 2, width: 400 });
      const accept = request.headers.accept ?? '';
      if (accept.includes('application/json') && !accept.includes('image/png')) {
        return { mimetype: 'image/png' as const, data: png.toString('base64') };
      }
      return reply.type('image/png').send(png);
    },
  );

  app.post<{ Params: Static<typeof SessionParams>; Body: Static<typeof RequestCodeBody> }>(
    '/api/:session/auth/request-code',
    {
      schema: {
        tags,
        summary: 'Pairing code to type on the phone instead of scanning the QR',
        params: SessionParams,
        body: RequestCodeBody,
        response: { 201: Type.Object({ code: Type.String() }), ...errors },
      },
    },
    async (request, reply) => {
      const method = request.body.method;
      if (method !== undefined && method !== null && method !== '') {
        throw notImplemented(
          `method '${method.slice(0, 20)}': registration codes by SMS or voice make a phone number a primary WhatsApp device, which a linked device (zapd) cannot be; leave method out to get a pairing code`,
        );
      }
      const code = await sessions.requestPairingCode(request.params.session, request.body.phoneNumber);
      return reply.code(201).send({ code: formatPairingCode(code) });
    },
  );
};
