// ZAPD_MEDIA_URL_ALLOWLIST: hosts and networks a deployment opens on purpose (a file server on the LAN,
// a sidecar on loopback) so it need not switch the whole address guard off. Entries are comma separated:
// host names ("files.lan", matched exactly, case-insensitive), addresses ("10.0.0.7", "fd00::7") and
// CIDR networks ("10.20.0.0/16", "fd00::/64").
import { BlockList, isIP } from 'node:net';

export interface UrlAllowlist {
  /** Lower-case host names without a trailing dot; any address they resolve to is allowed. */
  hosts: readonly string[];
  /** Addresses and networks that may be connected to whatever name led there. */
  networks: BlockList;
  /** The entries as given, for logs and errors. */
  entries: readonly string[];
}

export class AllowlistError extends Error {}

const HOSTNAME = /^(?=.{1,253}$)[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*$/;

export const EMPTY_ALLOWLIST: UrlAllowlist = { hosts: [], networks: new BlockList(), entries: [] };

export function parseUrlAllowlist(text: string | undefined): UrlAllowlist {
  const entries = (text ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  const hosts: string[] = [];
  const networks = new BlockList();
  for (const entry of entries) {
    const [rawAddress = '', prefixText, extra] = entry.split('/');
    const address = rawAddress.replace(/^\[|\]$/g, '');
    const family = isIP(address);
    if (extra !== undefined) throw new AllowlistError(`'${entry}' is neither a host, an address nor a CIDR network`);
    if (family === 0) {
      const host = address.toLowerCase().replace(/\.$/, '');
      if (prefixText !== undefined || !HOSTNAME.test(host)) {
        throw new AllowlistError(`'${entry}' is neither a host name, an address nor a CIDR network (ports and wildcards are not supported)`);
      }
      hosts.push(host);
      continue;
    }
    const type = family === 4 ? 'ipv4' : 'ipv6';
    const maxPrefix = family === 4 ? 32 : 128;
    const prefix = prefixText === undefined ? maxPrefix : Number(prefixText);
    if (!/^\d{1,3}$/.test(prefixText ?? String(maxPrefix)) || prefix > maxPrefix) {
      throw new AllowlistError(`'${entry}' has a bad prefix length (0-${maxPrefix} for ${type})`);
    }
    networks.addSubnet(address, prefix, type);
  }
  return { hosts, networks, entries };
}
