// Which network addresses a user-supplied media URL may reach. Without this, `file.url` and link
// previews would let any API caller make zapd fetch cloud metadata (169.254.169.254), localhost admin
// ports, the LAN, or zapd itself through the machine's own interface addresses.
//
// The rule is "public unicast only": every range in IANA's IPv4 and IPv6 special-purpose registries is
// refused, whether or not IANA marks it globally reachable (none of them is a place media lives), and
// so is every address outside 2000::/3. IPv6 forms that carry an IPv4 address (v4-mapped, NAT64, 6to4)
// are judged by the IPv4 address they lead to.
import { BlockList, isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import type { UrlAllowlist } from './url-allowlist.ts';

const IPV4_SPECIAL_PURPOSE: ReadonlyArray<readonly [string, number]> = [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, cloud metadata
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation TEST-NET-1
  ['192.31.196.0', 24], // AS112-v4
  ['192.52.193.0', 24], // AMT
  ['192.88.99.0', 24], // deprecated 6to4 relay anycast
  ['192.168.0.0', 16], // private
  ['192.175.48.0', 24], // AS112 direct delegation
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation TEST-NET-2
  ['203.0.113.0', 24], // documentation TEST-NET-3
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, including 255.255.255.255 broadcast
];

// Inside 2000::/3 (the only global unicast space); everything outside it is refused without a list.
const IPV6_SPECIAL_PURPOSE: ReadonlyArray<readonly [string, number]> = [
  ['2001::', 23], // IETF protocol assignments: Teredo 2001::/32, benchmarking, ORCHID, AMT, AS112, DETs
  ['2001:db8::', 32], // documentation
  ['2620:4f:8000::', 48], // AS112 direct delegation
  ['3fff::', 20], // documentation (RFC 9637)
];

const ipv4Refused = new BlockList();
for (const [network, prefix] of IPV4_SPECIAL_PURPOSE) ipv4Refused.addSubnet(network, prefix, 'ipv4');
const ipv6Refused = new BlockList();
for (const [network, prefix] of IPV6_SPECIAL_PURPOSE) ipv6Refused.addSubnet(network, prefix, 'ipv6');

/** The 16 bytes of an IPv6 address (already known valid by `isIP`), including a trailing dotted quad. */
function ipv6Bytes(address: string): Uint8Array {
  let text = address.toLowerCase();
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const groups = [...headGroups, ...Array<string>(8 - headGroups.length - tailGroups.length).fill('0'), ...tailGroups];
  const bytes = new Uint8Array(16);
  groups.forEach((group, index) => {
    const value = Number.parseInt(group, 16);
    bytes[index * 2] = value >> 8;
    bytes[index * 2 + 1] = value & 0xff;
  });
  return bytes;
}

function dottedQuad(bytes: Uint8Array, offset: number): string {
  return Array.from(bytes.subarray(offset, offset + 4)).join('.');
}

const startsWith = (bytes: Uint8Array, prefix: readonly number[]): boolean => prefix.every((value, index) => bytes[index] === value);

/** The IPv4 address an IPv6 address stands for: v4-mapped ::ffff:0:0/96, NAT64 64:ff9b::/96, 6to4 2002::/16. */
export function embeddedIpv4(address: string): string | undefined {
  if (isIP(address) !== 6) return undefined;
  const bytes = ipv6Bytes(address);
  if (startsWith(bytes, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff])) return dottedQuad(bytes, 12);
  if (startsWith(bytes, [0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0])) return dottedQuad(bytes, 12);
  if (startsWith(bytes, [0x20, 0x02])) return dottedQuad(bytes, 2);
  return undefined;
}

/** Strips URL brackets and an IPv6 zone ("fe80::1%eth0"), which `isIP` does not accept. */
function bareAddress(address: string): string {
  return address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
}

/** True for every address in IANA's special-purpose registries, multicast, and IPv6 outside 2000::/3. */
export function isSpecialPurposeAddress(rawAddress: string): boolean {
  const address = bareAddress(rawAddress);
  const family = isIP(address);
  if (family === 4) return ipv4Refused.check(address, 'ipv4');
  if (family !== 6) return true; // not an address at all: never connect to it
  const bytes = ipv6Bytes(address);
  const ipv4 = embeddedIpv4(address);
  // 6to4 lives inside 2000::/3 and is only as public as the IPv4 address it wraps.
  if (ipv4 !== undefined) return isSpecialPurposeAddress(ipv4);
  if (((bytes[0] ?? 0) & 0xe0) !== 0x20) return true; // outside 2000::/3: loopback, ULA, link-local, multicast…
  return ipv6Refused.check(address, 'ipv6');
}

type Interfaces = ReturnType<typeof networkInterfaces>;

/**
 * True for an address of one of this machine's interfaces (or an IPv6 form leading to one). The
 * interfaces are read on every call, as they come and go (DHCP, VPNs, containers) while zapd runs.
 */
export function isOwnAddress(rawAddress: string, interfaces: Interfaces = networkInterfaces()): boolean {
  const address = bareAddress(rawAddress);
  const family = isIP(address);
  if (family === 0) return false;
  const own = new BlockList();
  for (const entries of Object.values(interfaces)) {
    for (const entry of entries ?? []) {
      own.addAddress(bareAddress(entry.address), entry.family === 'IPv4' ? 'ipv4' : 'ipv6');
    }
  }
  const ipv4 = embeddedIpv4(address);
  if (ipv4 !== undefined && own.check(ipv4, 'ipv4')) return true;
  return own.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** Who may be fetched: everything (tests, trusted setups), or public addresses plus an explicit list. */
export interface AddressPolicy {
  /** ZAPD_ALLOW_PRIVATE_MEDIA_URLS: turns the guard off entirely. */
  allowPrivate: boolean;
  /** ZAPD_MEDIA_URL_ALLOWLIST: hosts and networks opened on purpose, e.g. a LAN file server. */
  allowlist: UrlAllowlist;
}

function isAllowlisted(hostname: string, address: string, allowlist: UrlAllowlist): boolean {
  if (allowlist.hosts.includes(normalHostname(hostname))) return true;
  const family = isIP(address);
  if (family === 0) return false;
  const ipv4 = embeddedIpv4(address);
  if (ipv4 !== undefined && allowlist.networks.check(ipv4, 'ipv4')) return true;
  return allowlist.networks.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

export function normalHostname(hostname: string): string {
  return bareAddress(hostname).toLowerCase().replace(/\.$/, '');
}

/** Whether connecting to `address`, reached through the URL host `hostname`, is allowed. */
export function mayConnect(hostname: string, rawAddress: string, policy: AddressPolicy, interfaces?: Interfaces): boolean {
  if (policy.allowPrivate) return true;
  const address = bareAddress(rawAddress);
  if (isAllowlisted(hostname, address, policy.allowlist)) return true;
  return !isSpecialPurposeAddress(address) && !isOwnAddress(address, interfaces);
}
