// The simulator's admin API (JSON over HTTP under /admin): what tests, the dashboard and scripts use
// to play the phone and the other side of a chat.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { channelPicturePath } from './handlers/newsletters.ts';
import { parseHistory } from './history.ts';
import { SimulatorError, type Network } from './network.ts';

export type AdminRoute = (request: AdminRequest) => Promise<unknown> | unknown;

export interface AdminRequest {
  method: string;
  path: string[];
  body: Record<string, unknown>;
  query: URLSearchParams;
}

const MAX_BODY = 64 * 1024 * 1024;

async function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new SimulatorError(413, 'body too large');
    chunks.push(chunk as Buffer);
  }
  if (size === 0) return {};
  try {
    const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
    return parsed as Record<string, unknown>;
  } catch {
    throw new SimulatorError(400, 'body must be a JSON object');
  }
}

// The dashboard (served by zapd on another origin) drives virtual contacts from the browser.
const CORS = { 'access-control-allow-origin': '*', 'access-control-allow-headers': 'content-type', 'access-control-allow-methods': 'GET, POST, OPTIONS' };

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json', ...CORS });
  response.end(JSON.stringify(body));
}

const REASONS: Record<number, string> = { 400: 'Bad Request', 404: 'Not Found', 409: 'Conflict', 413: 'Payload Too Large', 500: 'Internal Server Error', 501: 'Not Implemented' };

export function stringField(body: Record<string, unknown>, name: string, required: true): string;
export function stringField(body: Record<string, unknown>, name: string, required?: false): string | undefined;
export function stringField(body: Record<string, unknown>, name: string, required = false): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) {
    if (required) throw new SimulatorError(400, `${name} is required`);
    return undefined;
  }
  if (typeof value !== 'string') throw new SimulatorError(400, `${name} must be a string`);
  return value;
}

export class AdminApi {
  private readonly routes: Array<{ method: string; pattern: string[]; handler: AdminRoute }> = [];

  constructor(network: Network, rootPublicKey: Uint8Array, tlsCertificate: string) {
    this.add('GET', 'health', () => ({ status: 'ok', accounts: Object.keys(network.state.data.accounts).length, connections: network.connectionCount }));
    this.add('GET', 'root-key', () => ({ publicKey: Buffer.from(rootPublicKey).toString('base64'), tlsCertificate }));
    this.add('POST', 'scan', ({ body }) => network.scan(stringField(body, 'qr', true), stringField(body, 'phone')));
    this.add('POST', 'link-code', ({ body }) => network.enterLinkCode(stringField(body, 'phone', true).replace(/\D/g, ''), stringField(body, 'code', true)));
    this.add('GET', 'connections', () => network.connectionsByPhone());
    this.add('POST', 'blackhole', ({ body }) => {
      const phone = stringField(body, 'phone', true).replace(/\D/g, '');
      if (body.enabled === false) network.blackholed.delete(phone);
      else network.blackholed.add(phone);
      return { phone, enabled: network.blackholed.has(phone) };
    });
    this.add('POST', 'drop', ({ body }) => ({ dropped: network.dropConnections(stringField(body, 'phone')) }));
    this.add('POST', 'history', ({ body }) => {
      const phone = stringField(body, 'phone', true).replace(/\D/g, '');
      if (!/^\d{5,20}$/.test(phone)) throw new SimulatorError(400, 'phone must be 5 to 20 digits');
      const account = network.state.ensureAccount(phone);
      account.history = parseHistory(body);
      network.state.changed();
      return { phone: account.phone, chats: account.history.length, messages: account.history.reduce((sum, chat) => sum + chat.messages.length, 0) };
    });
    this.add('GET', 'trust-tokens', () => Object.fromEntries(network.trustTokenIssues));
    // An account's linked devices as the phone lists them, and its presence as its contacts see it.
    this.add('GET', 'devices/:phone', ({ path }) => {
      const account = network.state.account((path[1] ?? '').replace(/\D/g, ''));
      if (!account) throw new SimulatorError(404, 'no such account');
      const presence = network.presence.get(account.phone);
      return {
        phone: account.phone,
        presence: presence ? { available: presence.available, lastSeen: presence.lastSeen } : null,
        devices: Object.values(account.devices)
          .filter((device) => device.id !== 0)
          .map((device) => ({ id: device.id, name: device.name ?? null, platformType: device.platformType ?? null, requireFullSync: device.requireFullSync === true, online: network.isOnline(account, device.id) })),
      };
    });
    // Channels as the network holds them; a picture shows as its direct path and its JPEG's size.
    this.add('GET', 'channels', () =>
      Object.values(network.state.data.newsletters ?? {}).map((channel) => ({
        id: channel.id,
        name: channel.name,
        description: channel.description,
        owner: channel.owner,
        followers: channel.followers,
        picture: channel.picture ? { directPath: channelPicturePath(channel), bytes: Buffer.from(channel.picture.jpeg, 'base64').length } : null,
      })),
    );
    this.add('POST', 'unlink', ({ body }) => ({ unlinked: network.unlinkDevices(stringField(body, 'phone', true).replace(/\D/g, '')) }));
  }

  /** Registers a route; `:name` segments match anything and are passed in `path`. */
  add(method: string, pattern: string, handler: AdminRoute): void {
    this.routes.push({ method, pattern: pattern.split('/'), handler });
  }

  async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (request.method === 'OPTIONS') {
      response.writeHead(204, CORS);
      response.end();
      return;
    }
    const url = new URL(request.url ?? '/', 'http://sim');
    const path = url.pathname.split('/').filter(Boolean).slice(1);
    const route = this.routes.find(
      (candidate) =>
        candidate.method === request.method &&
        candidate.pattern.length === path.length &&
        candidate.pattern.every((segment, index) => segment.startsWith(':') || segment === path[index]),
    );
    try {
      if (!route) throw new SimulatorError(404, `no admin route ${request.method} ${url.pathname}`);
      const body = request.method === 'GET' ? {} : await readJson(request);
      const result = await route.handler({ method: request.method ?? 'GET', path, body, query: url.searchParams });
      send(response, 200, result ?? {});
    } catch (error) {
      const status = error instanceof SimulatorError ? error.statusCode : 500;
      const message = error instanceof Error ? error.message : String(error);
      send(response, status, { statusCode: status, error: REASONS[status] ?? 'Error', message });
    }
  }
}
