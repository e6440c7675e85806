// zapd's WhatsApp network simulator: one HTTP server with the WhatsApp Web WebSocket at /ws/chat and
// a JSON admin API under /admin. Point Baileys at it with `waWebSocketUrl` and trust its root key
// through `WA_CERT_DETAILS.PUBLIC_KEY`.
// First: Baileys must find the shared AsyncLocalStorage when it creates its sockets.
import '../src/runtime/shared-async-storage.ts';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { AdminApi } from './admin.ts';
import { registerAccountRoutes } from './admin-accounts.ts';
import { registerGroupRoutes } from './admin-groups.ts';
import { Network } from './network.ts';
import { SimulatorState } from './state.ts';
import { startMediaServer } from './media.ts';
import { createTrustChain } from './transport/certificates.ts';
import { createTlsCredentials } from './transport/tls.ts';
import { VirtualContacts } from './virtual-contacts.ts';
import { installConsoleGuard } from '../src/runtime/console-guard.ts';
import { createLogger } from '../src/runtime/logger.ts';
import type { LogFormat } from '../src/config.ts';

export interface SimulatorOptions {
  host?: string;
  port?: number;
  seed?: string;
  stateFile?: string;
  logLevel?: string;
  /** pretty or json; unset chooses by whether stdout is a terminal. */
  logFormat?: LogFormat;
}

export interface RunningSimulator {
  port: number;
  wsUrl: string;
  httpUrl: string;
  rootPublicKey: Uint8Array;
  /** PEM certificate of the media host (HTTPS); clients trust it for media transfers. */
  tlsCertificate: string;
  /** host:port of the media host, e.g. to recognise media connections in a proxy's log. */
  mediaHost: string;
  scan(qr: string, phone?: string): Promise<{ phone: string; jid: string }>;
  dropConnections(phone?: string): number;
  stop(): Promise<void>;
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const host = options.host ?? '127.0.0.1';
  const logger = createLogger({ level: options.logLevel ?? 'silent', format: options.logFormat, name: 'sim' });
  // The virtual contacts are real Baileys clients: libsignal's console output carries their keys.
  installConsoleGuard(logger);
  const trust = createTrustChain(options.seed);
  const state = new SimulatorState(options.stateFile);
  const network = new Network(state, trust, logger);
  const tls = state.data.tls ?? createTlsCredentials();
  state.data.tls = tls;
  const media = await startMediaServer({ host, tls, state, logger });
  network.media = media;
  const admin = new AdminApi(network, trust.root.public, tls.certificate);
  let wsUrl = '';
  const contacts = new VirtualContacts(network, () => ({ wsUrl, rootPublicKey: trust.root.public, tlsCertificate: tls.certificate }));
  registerAccountRoutes(admin, network, contacts);
  registerGroupRoutes(admin, contacts);
  const server = createServer((request, response) => {
    if (request.url?.startsWith('/admin')) {
      void admin.handle(request, response);
      return;
    }
    response.writeHead(404, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ statusCode: 404, error: 'Not Found', message: 'not a simulator route' }));
  });
  const sockets = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 * 1024 });
  server.on('upgrade', (request, socket, head) => {
    if (!request.url?.startsWith('/ws/chat')) {
      socket.destroy();
      return;
    }
    sockets.handleUpgrade(request, socket, head, (ws) => network.attach(ws));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 7700, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const httpUrl = `http://${host}:${port}`;
  wsUrl = `ws://${host}:${port}/ws/chat`;
  await contacts.restore();
  return {
    port,
    httpUrl,
    wsUrl,
    rootPublicKey: trust.root.public,
    tlsCertificate: tls.certificate,
    mediaHost: media.host,
    scan: async (qr, phone) => network.scan(qr, phone),
    dropConnections: (phone) => network.dropConnections(phone),
    async stop() {
      await contacts.closeAll();
      network.closeAll();
      sockets.close();
      await media.stop();
      state.saveNow();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
