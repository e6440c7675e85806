// A TCP stream to host:port opened through a proxy: HTTP CONNECT or SOCKS5. Everything zapd sends for
// a proxied session (the WhatsApp WebSocket, media up- and downloads, file.url and link previews)
// goes through here, so a proxy that is down or refuses fails the connection with a ProxyError that
// says which proxy and why, and never falls back to a direct connection.
import { lookup } from 'node:dns/promises';
import net, { isIP } from 'node:net';
import { SocksClient } from 'socks';
import { proxyLabel, type ProxySettings } from './settings.ts';

/** unreachable: no connection to the proxy; auth: it refused the credentials; refused: it would not connect onward. */
export type ProxyFailure = 'unreachable' | 'auth' | 'refused' | 'protocol';

export class ProxyError extends Error {
  constructor(
    readonly failure: ProxyFailure,
    message: string,
  ) {
    super(message);
    this.name = 'ProxyError';
  }
}

export interface TunnelTarget {
  host: string;
  port: number;
}

const DEFAULT_TIMEOUT_MS = 20_000;
/** A CONNECT answer is a status line and a few headers; anything longer is not a proxy talking. */
const MAX_CONNECT_RESPONSE_BYTES = 16 * 1024;

const authority = (target: TunnelTarget): string => `${isIP(target.host) === 6 ? `[${target.host}]` : target.host}:${target.port}`;

/** Connects to the proxy itself, failing as 'unreachable'. */
function reachProxy(settings: ProxySettings, timeoutMs: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: settings.host, port: settings.port });
    const timer = setTimeout(() => fail(new Error(`no connection within ${timeoutMs / 1000} s`)), timeoutMs);
    function fail(error: Error) {
      clearTimeout(timer);
      socket.destroy();
      reject(new ProxyError('unreachable', `proxy ${proxyLabel(settings)} is unreachable: ${error.message}`));
    }
    socket.once('error', fail);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.off('error', fail);
      resolve(socket);
    });
  });
}

function httpConnect(socket: net.Socket, settings: ProxySettings, target: TunnelTarget, timeoutMs: number): Promise<net.Socket> {
  const label = proxyLabel(settings);
  const headers = [`CONNECT ${authority(target)} HTTP/1.1`, `Host: ${authority(target)}`];
  if (settings.username !== undefined) {
    headers.push(`Proxy-Authorization: Basic ${Buffer.from(`${settings.username}:${settings.password ?? ''}`).toString('base64')}`);
  }
  return new Promise((resolve, reject) => {
    let received = Buffer.alloc(0);
    const timer = setTimeout(() => fail(new ProxyError('protocol', `proxy ${label} did not answer CONNECT within ${timeoutMs / 1000} s`)), timeoutMs);
    function cleanUp() {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('error', onError);
      socket.off('close', onClose);
    }
    function fail(error: ProxyError) {
      cleanUp();
      socket.destroy();
      reject(error);
    }
    const onError = (error: Error) => fail(new ProxyError('protocol', `proxy ${label} failed during CONNECT: ${error.message}`));
    const onClose = () => fail(new ProxyError('protocol', `proxy ${label} closed the connection without answering CONNECT`));
    function onData(chunk: Buffer) {
      received = Buffer.concat([received, chunk]);
      const end = received.indexOf('\r\n\r\n');
      if (end === -1) {
        if (received.length > MAX_CONNECT_RESPONSE_BYTES) fail(new ProxyError('protocol', `proxy ${label} sent an oversized CONNECT answer`));
        return;
      }
      const statusLine = received.subarray(0, received.indexOf('\r\n')).toString('latin1');
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1];
      if (status === undefined) return fail(new ProxyError('protocol', `proxy ${label} did not answer CONNECT with HTTP`));
      const code = Number(status);
      // 407 is the standard answer; some proxies (tinyproxy) send 401, which on CONNECT is theirs alone too.
      if (code === 407 || code === 401) {
        const why = settings.username === undefined ? 'asks for credentials' : 'refused the credentials';
        return fail(new ProxyError('auth', `proxy ${label} ${why} (HTTP ${code})`));
      }
      if (code < 200 || code >= 300) return fail(new ProxyError('refused', `proxy ${label} refused to connect to ${authority(target)}: ${statusLine.slice(9).trim()}`));
      cleanUp();
      // Whatever the far end already sent behind the proxy's answer belongs to the tunnelled stream.
      const rest = received.subarray(end + 4);
      if (rest.length > 0) socket.unshift(rest);
      resolve(socket);
    }
    socket.on('data', onData);
    socket.once('error', onError);
    socket.once('close', onClose);
    socket.write(`${headers.join('\r\n')}\r\n\r\n`);
  });
}

async function socksConnect(socket: net.Socket, settings: ProxySettings, target: TunnelTarget, timeoutMs: number): Promise<net.Socket> {
  const label = proxyLabel(settings);
  // socks5 means zapd resolves the name (the proxy only ever sees an address); socks5h leaves it to the proxy.
  const host = settings.protocol === 'socks5' && isIP(target.host) === 0 ? (await lookup(target.host)).address : target.host;
  try {
    const { socket: tunnelled } = await SocksClient.createConnection({
      proxy: {
        host: settings.host,
        port: settings.port,
        type: 5,
        ...(settings.username !== undefined ? { userId: settings.username, password: settings.password ?? '' } : {}),
      },
      destination: { host, port: target.port },
      command: 'connect',
      timeout: timeoutMs,
      existing_socket: socket,
    });
    return tunnelled;
  } catch (error) {
    socket.destroy();
    const message = error instanceof Error ? error.message : String(error);
    if (/authentication|auth type/i.test(message)) throw new ProxyError('auth', `proxy ${label} refused the credentials (${message})`);
    if (/rejected/i.test(message)) throw new ProxyError('refused', `proxy ${label} refused to connect to ${authority(target)}: ${message}`);
    throw new ProxyError('protocol', `proxy ${label} failed: ${message}`);
  }
}

/**
 * A stream to `target` through the proxy: for an http(s) target the caller still speaks TLS over it.
 * Rejects with a ProxyError naming the proxy (never its credentials).
 */
export async function openTunnel(settings: ProxySettings, target: TunnelTarget, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<net.Socket> {
  const socket = await reachProxy(settings, timeoutMs);
  return settings.protocol === 'http'
    ? httpConnect(socket, settings, target, timeoutMs)
    : socksConnect(socket, settings, target, timeoutMs);
}
