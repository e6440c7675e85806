// A real HTTP webhook receiver on 127.0.0.1 that records what zapd posts.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  headers: IncomingHttpHeaders;
  raw: string;
  body: { id: string; event: string; session: string; payload: Record<string, unknown>; me: unknown; engine: string; environment: unknown; metadata?: Record<string, string> };
}

export interface Receiver {
  url: string;
  requests: ReceivedRequest[];
  /** Status to answer with, per request (default 200). */
  respond: (request: ReceivedRequest, index: number) => number;
  events(name: string): ReceivedRequest['body'][];
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const receiver: Receiver = {
    url: '',
    requests: [],
    respond: () => 200,
    events: (name) => receiver.requests.filter((request) => request.body.event === name).map((request) => request.body),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const received: ReceivedRequest = { headers: request.headers, raw, body: JSON.parse(raw) as ReceivedRequest['body'] };
      const index = receiver.requests.push(received) - 1;
      response.writeHead(receiver.respond(received, index));
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  server.keepAliveTimeout = 100;
  return receiver;
}
