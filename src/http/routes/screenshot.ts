// There is no browser in this engine, so the "screenshot" is a picture of what a user would want to
// see: the QR code while the session waits for a scan, otherwise a card with the session's state.
import { Type, type Static } from '@sinclair/typebox';
import { Jimp, loadFont } from 'jimp';
import { SANS_16_BLACK, SANS_32_BLACK } from 'jimp/fonts';
import QRCode from 'qrcode';
import type { RoutePlugin } from '../deps.ts';
import { ErrorResponse } from '../schemas/common.ts';
import { SessionField } from '../schemas/chatting.ts';

const Query = Type.Object({ session: Type.Optional(SessionField) });

export const screenshotRoutes: RoutePlugin = async (app, { sessions }) => {
  app.get<{ Querystring: Static<typeof Query> }>(
    '/api/screenshot',
    {
      schema: {
        tags: ['🖼️ Screenshot'],
        summary: 'PNG of the session: its QR code while waiting for a scan, otherwise a status card (no browser is involved); JSON base64 with Accept: application/json',
        querystring: Query,
        produces: ['image/png', 'application/json'],
        response: {
          200: Type.Union([Type.Object({ mimetype: Type.Literal('image/png'), data: Type.String({ description: 'base64 PNG' }) }), Type.Unknown({ description: 'PNG image' })]),
          401: ErrorResponse,
          404: ErrorResponse,
        },
      },
    },
    async (request, reply) => {
      const png = await picture(request.query.session ?? 'default');
      // As WAHA: a client asking for JSON only gets the picture as base64.
      const accept = request.headers.accept ?? '';
      if (accept.includes('application/json') && !accept.includes('image/')) return { mimetype: 'image/png' as const, data: png.toString('base64') };
      return reply.type('image/png').send(png);
    },
  );

  async function picture(name: string): Promise<Buffer> {
    const info = await sessions.get(name);
    if (info.status === 'SCAN_QR_CODE') {
      const qr = await sessions.qr(name).catch(() => undefined);
      if (qr) return QRCode.toBuffer(qr, { type: 'png', margin: 2, width: 400 });
    }
    const card = new Jimp({ width: 480, height: 200, color: info.status === 'WORKING' ? 0xe7f8ecff : 0xf4f4f4ff });
    const [title, body] = await Promise.all([loadFont(SANS_32_BLACK), loadFont(SANS_16_BLACK)]);
    card.print({ font: title, x: 24, y: 24, text: `zapd · ${info.name}` });
    card.print({ font: body, x: 24, y: 90, text: `Status: ${info.status}` });
    card.print({ font: body, x: 24, y: 120, text: `Account: ${info.me?.id ?? 'not linked'}` });
    if (info.me?.pushName) card.print({ font: body, x: 24, y: 150, text: `Name: ${info.me.pushName}` });
    return card.getBuffer('image/png');
  }
};
