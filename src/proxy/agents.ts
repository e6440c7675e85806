// The proxy in the two shapes zapd's HTTP clients take: a node:http Agent (the `ws` WebSocket,
// Baileys' media uploads, file.url fetches) and an undici dispatcher (Baileys' media downloads run on
// fetch). Both open their connections with openTunnel, so they fail alike and never go direct.
import type { ClientRequest } from 'node:http';
import { isIP, type Socket } from 'node:net';
import tls, { type ConnectionOptions } from 'node:tls';
import { Agent as AgentBase, type AgentConnectOpts } from 'agent-base';
import { Agent as UndiciAgent, ProxyAgent, buildConnector, type Dispatcher } from 'undici';
import { proxyLabel, type ProxySettings } from './settings.ts';
import { openTunnel, ProxyError, type TunnelTarget } from './tunnel.ts';

export interface ProxyAgentOptions {
  /** Extra TLS settings for the far end, e.g. the simulator's certificate as `ca`. */
  tls?: Pick<ConnectionOptions, 'ca'>;
  /**
   * Chooses the address the proxy is asked to connect to, e.g. one the address guard allowed, so the
   * proxy cannot resolve the name to a different one. Without it the proxy gets the host name.
   */
  pinAddress?: (hostname: string) => Promise<string>;
  keepAlive?: boolean;
  timeoutMs?: number;
}

function upgradeToTls(socket: Socket, servername: string | undefined, options: ConnectionOptions): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const secure = tls.connect({ ...options, socket, ...(servername ? { servername } : {}) });
    secure.once('secureConnect', () => {
      secure.off('error', reject);
      resolve(secure);
    });
    secure.once('error', (error) => {
      socket.destroy();
      reject(error);
    });
  });
}

class TunnellingAgent extends AgentBase {
  constructor(
    private readonly settings: ProxySettings,
    private readonly tunnelOptions: ProxyAgentOptions,
  ) {
    super({ keepAlive: tunnelOptions.keepAlive ?? false });
  }

  async connect(_request: ClientRequest, connectOptions: AgentConnectOpts): Promise<Socket> {
    const hostname = (connectOptions.host ?? 'localhost').replace(/^\[|\]$/g, '');
    const port = Number(connectOptions.port) || (connectOptions.secureEndpoint ? 443 : 80);
    const host = this.tunnelOptions.pinAddress ? await this.tunnelOptions.pinAddress(hostname) : hostname;
    const socket = await openTunnel(this.settings, { host, port }, this.tunnelOptions.timeoutMs);
    if (!connectOptions.secureEndpoint) return socket;
    // The certificate is checked against the name asked for, not the address the tunnel was pinned to.
    const servername = connectOptions.servername || (isIP(hostname) === 0 ? hostname : undefined);
    const { rejectUnauthorized, ca, cert, key } = connectOptions;
    return upgradeToTls(socket, servername, { ...(ca ? { ca } : {}), ...(cert ? { cert } : {}), ...(key ? { key } : {}), ...(rejectUnauthorized === false ? { rejectUnauthorized } : {}), ...this.tunnelOptions.tls, host: hostname });
  }
}

/** A node:http(s) Agent whose every connection goes through the proxy. */
export function proxyAgent(settings: ProxySettings, options: ProxyAgentOptions = {}): AgentBase {
  return new TunnellingAgent(settings, options);
}

/** An undici dispatcher through the proxy: undici's own ProxyAgent for HTTP proxies, a SOCKS connector otherwise. */
export function proxyDispatcher(settings: ProxySettings, tlsOptions: Pick<ConnectionOptions, 'ca'> = {}): Dispatcher {
  if (settings.protocol === 'http') {
    return new ProxyAgent({
      uri: proxyLabel(settings),
      requestTls: tlsOptions,
      ...(settings.username !== undefined ? { token: `Basic ${Buffer.from(`${settings.username}:${settings.password ?? ''}`).toString('base64')}` } : {}),
    });
  }
  const tlsConnect = buildConnector(tlsOptions);
  return new UndiciAgent({
    connect: (options, callback) => {
      const target: TunnelTarget = { host: options.hostname.replace(/^\[|\]$/g, ''), port: Number(options.port) || (options.protocol === 'https:' ? 443 : 80) };
      openTunnel(settings, target).then(
        (socket) => {
          if (options.protocol !== 'https:') return callback(null, socket);
          // undici's connector speaks TLS over a socket it is handed, with its usual checks.
          tlsConnect({ ...options, httpSocket: socket }, callback);
        },
        (error: unknown) => callback(error instanceof Error ? error : new ProxyError('protocol', String(error)), null),
      );
    },
  });
}
