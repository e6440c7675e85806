import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';

export async function registerOpenApi(app: FastifyInstance, version: string): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'zapd — WhatsApp HTTP API',
        version,
        description:
          'WAHA/Wappfy-compatible WhatsApp HTTP API. Requests accept both dialects: `session`/`chatId` (WAHA) and `sessionId`/`jid` (Wappfy); `123@s.whatsapp.net` is answered as `123@c.us`.',
      },
      components: {
        securitySchemes: {
          api_key: { type: 'apiKey', in: 'header', name: 'X-Api-Key', description: 'Also accepted as the `apikey` header' },
        },
      },
      security: [{ api_key: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
}
