// WAHA's proxy config ({server, username, password}) read into one checked shape. WAHA writes
// `server` as `host:port` and means an HTTP proxy; a scheme picks another kind explicitly.
export type ProxyProtocol = 'http' | 'socks5' | 'socks5h';

export interface ProxySettings {
  /** http: HTTP CONNECT; socks5: names resolved by zapd; socks5h: by the proxy. */
  protocol: ProxyProtocol;
  host: string;
  port: number;
  username?: string;
  password?: string;
}

/** WAHA's `config.proxy` and its WHATSAPP_PROXY_SERVER* variables. */
export interface ProxyConfigInput {
  server: string;
  username?: string | null | undefined;
  password?: string | null | undefined;
}

export class ProxyConfigError extends Error {}

// No https:// (TLS to the proxy itself) yet: nothing here could test it against a real proxy.
const PROTOCOLS = new Set<string>(['http', 'socks5', 'socks5h']);

function decoded(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

/** The server as error messages quote it: credentials written into it are masked. */
function quoted(server: string): string {
  return `'${server.replace(/^([a-z][a-z0-9+.-]*:\/\/)?[^/@]*@/i, '$1***@')}'`;
}

export function parseProxy(input: ProxyConfigInput): ProxySettings {
  const server = input.server.trim();
  const shown = quoted(server);
  // `new URL('host:3128')` would read "host" as a scheme, so the scheme is detected by its "://".
  const written = /^[a-z][a-z0-9+.-]*:\/\//i.test(server) ? server : `http://${server}`;
  let url: URL;
  try {
    url = new URL(written);
  } catch {
    throw new ProxyConfigError(`proxy.server ${shown} is not host:port or scheme://host:port`);
  }
  const protocol = url.protocol.slice(0, -1).toLowerCase();
  if (!PROTOCOLS.has(protocol)) throw new ProxyConfigError(`proxy.server ${shown}: ${protocol}:// is not supported (use http, socks5 or socks5h)`);
  if (!url.hostname) throw new ProxyConfigError(`proxy.server ${shown} names no host`);
  // URL drops a port equal to the scheme's default (http :80), so it is read back from the text.
  const defaultPort = /:(80)\/?$/.exec(written)?.[1];
  const port = url.port || defaultPort;
  if (!port) throw new ProxyConfigError(`proxy.server ${shown} needs a port, e.g. ${url.hostname}:3128`);
  if (Number(port) < 1) throw new ProxyConfigError(`proxy.server ${shown} needs a port from 1 to 65535`);
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) throw new ProxyConfigError(`proxy.server ${shown} must be host:port, without a path`);
  const username = input.username || decoded(url.username) || undefined;
  const password = input.password || decoded(url.password) || undefined;
  if (password !== undefined && username === undefined) throw new ProxyConfigError('proxy.password is set but proxy.username is not');
  return {
    protocol: protocol as ProxyProtocol,
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: Number(port),
    ...(username !== undefined ? { username } : {}),
    ...(password !== undefined ? { password } : {}),
  };
}

/** How logs and error messages name a proxy: never with its credentials. */
export function proxyLabel(settings: ProxySettings): string {
  const host = settings.host.includes(':') ? `[${settings.host}]` : settings.host;
  return `${settings.protocol}://${host}:${settings.port}`;
}

/** The session's own `config.proxy` when it has one, else the global default (WHATSAPP_PROXY_SERVER). */
export function sessionProxy(config: Record<string, unknown>, fallback: ProxySettings | undefined): ProxySettings | undefined {
  const proxy = config.proxy;
  if (!proxy || typeof proxy !== 'object') return fallback;
  const { server, username, password } = proxy as Record<string, unknown>;
  if (typeof server !== 'string' || server.trim() === '') return fallback;
  return parseProxy({
    server,
    username: typeof username === 'string' ? username : undefined,
    password: typeof password === 'string' ? password : undefined,
  });
}
