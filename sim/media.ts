// The media host: clients upload encrypted blobs (they never leave the client unencrypted) and
// download them by direct path; profile pictures are served here too.
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { SimulatorState } from './state.ts';
import type { TlsCredentials } from './transport/tls.ts';

const MAX_UPLOAD = 100 * 1024 * 1024;

export interface MediaServer {
  host: string;
  auth: string;
  stop(): Promise<void>;
}

export async function startMediaServer(options: { host: string; tls: TlsCredentials; state: SimulatorState; logger: Logger }): Promise<MediaServer> {
  const blobs = new Map<string, Buffer>();
  const auth = randomBytes(12).toString('base64url');
  let publicHost = '';
  const server: Server = createServer({ cert: options.tls.certificate, key: options.tls.privateKey }, (request, response) => {
    const url = new URL(request.url ?? '/', 'https://media');
    const reply = (status: number, body: unknown, type = 'application/json') => {
      response.writeHead(status, { 'content-type': type });
      response.end(type === 'application/json' ? JSON.stringify(body) : (body as Buffer));
    };
    if (request.method === 'POST' && url.pathname.startsWith('/mms/')) {
      if (url.searchParams.get('auth') !== auth) return reply(401, { error: 'bad auth' });
      const chunks: Buffer[] = [];
      let size = 0;
      request.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_UPLOAD) request.destroy();
        else chunks.push(chunk);
      });
      request.on('end', () => {
        const id = randomBytes(16).toString('hex');
        const directPath = `/v/t62/${id}`;
        blobs.set(directPath, Buffer.concat(chunks));
        reply(200, { url: `https://${publicHost}${directPath}`, direct_path: directPath });
      });
      return;
    }
    if (request.method === 'GET' && url.pathname.startsWith('/v/t62/')) {
      const blob = blobs.get(url.pathname);
      return blob ? reply(200, blob, 'application/octet-stream') : reply(404, { error: 'not found' });
    }
    if (request.method === 'GET' && url.pathname.startsWith('/pp/')) {
      const [, , phone = ''] = url.pathname.split('/');
      const picture = options.state.account(phone)?.picture;
      return picture ? reply(200, Buffer.from(picture.data, 'base64'), 'image/jpeg') : reply(404, { error: 'not found' });
    }
    reply(404, { error: 'not found' });
  });
  await new Promise<void>((resolve) => server.listen(0, options.host, resolve));
  publicHost = `${options.host}:${(server.address() as AddressInfo).port}`;
  return {
    host: publicHost,
    auth,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
