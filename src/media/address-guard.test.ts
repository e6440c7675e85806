import assert from 'node:assert/strict';
import { networkInterfaces } from 'node:os';
import { describe, test } from 'node:test';
import { embeddedIpv4, isOwnAddress, isSpecialPurposeAddress, mayConnect } from './address-guard.ts';
import { AllowlistError, EMPTY_ALLOWLIST, parseUrlAllowlist } from './url-allowlist.ts';

const REFUSED = [
  // IPv4 special-purpose registry, first and last address of each range where it matters
  '0.0.0.0', '0.255.255.255', '10.0.0.0', '10.255.255.255', '100.64.0.0', '100.127.255.255', '127.0.0.1', '127.255.255.254',
  '169.254.169.254', '172.16.0.1', '172.31.255.255', '192.0.0.1', '192.0.0.170', '192.0.2.1', '192.0.2.255',
  '192.31.196.1', '192.52.193.1', '192.88.99.1', '192.168.0.1', '192.168.255.255', '192.175.48.1',
  '198.18.0.1', '198.19.255.255', '198.51.100.7', '203.0.113.9', '224.0.0.1', '239.255.255.250', '240.0.0.1', '255.255.255.255',
  // IPv6: unspecified, loopback, outside 2000::/3, ULA, link-local, site-local, multicast, discard
  '::', '::1', 'fc00::1', 'fd12:3456::1', 'fe80::1', 'fe80::1%eth0', 'fec0::1', 'ff02::1', 'ff05::2', '100::1', '5f00::1', '4000::1',
  // IPv4-compatible and SIIT-translated forms
  '::127.0.0.1', '::8.8.8.8', '::ffff:0:8.8.8.8',
  // v4-mapped, NAT64 and 6to4 leading to a refused IPv4 address, in dotted and hex spellings
  '::ffff:127.0.0.1', '::ffff:7f00:1', '::FFFF:169.254.169.254', '::ffff:10.0.0.1', '64:ff9b::10.0.0.1', '64:ff9b::a9fe:a9fe',
  '2002:7f00:1::', '2002:c0a8:101::1', '2002:a00:1::',
  // local-use NAT64, Teredo, the rest of 2001::/23, documentation, AS112
  '64:ff9b:1::8.8.8.8', '2001::1', '2001:0:4136:e378:8000:63bf:3fff:fdd2', '2001:2::1', '2001:10::1', '2001:20::1', '2001:1ff::1',
  '2001:db8::1', '2001:db8:ffff::1', '3fff::1', '3fff:fff::1', '2620:4f:8000::1',
  // not addresses at all
  'localhost', 'example.com', '', '1.2.3', '::ffff:1.2.3.4.5',
];

const PUBLIC = [
  '8.8.8.8', '1.1.1.1', '172.32.0.1', '172.15.255.255', '100.128.0.1', '100.63.255.255', '192.0.1.1', '192.0.3.1', '198.17.255.255',
  '198.20.0.1', '198.51.99.1', '203.0.112.1', '223.255.255.255', '11.0.0.1',
  '2606:4700:4700::1111', '2a00:1450:4001::1', '2001:200::1', '2001:4860:4860::8888', '2620:4f:7fff::1', '3ffe::1',
  '::ffff:8.8.8.8', '::ffff:808:808', '64:ff9b::8.8.8.8', '2002:808:808::1',
];

describe('address classification', () => {
  for (const address of REFUSED) {
    test(`refuses ${address || '(empty)'}`, () => assert.equal(isSpecialPurposeAddress(address), true));
  }
  for (const address of PUBLIC) {
    test(`allows ${address}`, () => assert.equal(isSpecialPurposeAddress(address), false));
  }

  test('reads the IPv4 address inside mapped, NAT64 and 6to4 forms', () => {
    assert.equal(embeddedIpv4('::ffff:7f00:1'), '127.0.0.1');
    assert.equal(embeddedIpv4('64:ff9b::c000:201'), '192.0.2.1');
    assert.equal(embeddedIpv4('2002:c0a8:101:1::1'), '192.168.1.1');
    assert.equal(embeddedIpv4('2606:4700::1'), undefined);
    assert.equal(embeddedIpv4('10.0.0.1'), undefined);
  });

  test("this machine's own interface addresses are refused, whatever range they are in", () => {
    const own = Object.values(networkInterfaces()).flatMap((entries) => entries ?? []);
    assert.ok(own.length > 0, 'the machine has interfaces');
    for (const entry of own) {
      assert.equal(isOwnAddress(entry.address), true, entry.address);
      assert.equal(mayConnect('host.example', entry.address, { allowPrivate: false, allowlist: EMPTY_ALLOWLIST }), false, entry.address);
      if (entry.family === 'IPv4') assert.equal(isOwnAddress(`::ffff:${entry.address}`), true, entry.address);
    }
    assert.equal(isOwnAddress('8.8.8.8'), false);
    // A host whose interface has a public address (a VPS): that address is refused, its neighbours are not.
    const vps = { eth0: [{ address: '203.0.114.7', netmask: '255.255.255.0', family: 'IPv4', mac: '02:00:00:00:00:01', internal: false, cidr: '203.0.114.7/24' }, { address: '2a01:4f8::7', netmask: 'ffff:ffff:ffff:ffff::', family: 'IPv6', mac: '02:00:00:00:00:01', internal: false, cidr: '2a01:4f8::7/64', scopeid: 0 }] } as const;
    const interfaces = vps as unknown as ReturnType<typeof networkInterfaces>;
    for (const address of ['203.0.114.7', '::ffff:203.0.114.7', '2a01:4f8::7', '2a01:4f8:0:0::7', '2002:cb00:7207::1']) {
      assert.equal(mayConnect('host.example', address, { allowPrivate: false, allowlist: EMPTY_ALLOWLIST }, interfaces), false, address);
    }
    for (const address of ['203.0.114.8', '2a01:4f8::8']) {
      assert.equal(mayConnect('host.example', address, { allowPrivate: false, allowlist: EMPTY_ALLOWLIST }, interfaces), true, address);
    }
    assert.equal(isOwnAddress('2606:4700:4700::1111'), false);
  });
});

describe('ZAPD_MEDIA_URL_ALLOWLIST', () => {
  const allowlist = parseUrlAllowlist(' files.lan, Assets.Example.COM. ,10.20.0.0/16, 127.0.0.1, [fd00::7], fd12::/64 ,');
  const policy = { allowPrivate: false, allowlist };

  test('parses hosts, single addresses and networks', () => {
    assert.deepEqual(allowlist.hosts, ['files.lan', 'assets.example.com']);
    assert.deepEqual(allowlist.entries, ['files.lan', 'Assets.Example.COM.', '10.20.0.0/16', '127.0.0.1', '[fd00::7]', 'fd12::/64']);
  });

  test('opens exactly the listed networks and addresses', () => {
    for (const address of ['10.20.0.1', '10.20.255.254', '127.0.0.1', '::ffff:127.0.0.1', 'fd00::7', 'fd12::1234']) {
      assert.equal(mayConnect('any.example', address, policy), true, address);
    }
    for (const address of ['10.21.0.1', '127.0.0.2', 'fd00::8', 'fd13::1', '169.254.169.254']) {
      assert.equal(mayConnect('any.example', address, policy), false, address);
    }
  });

  test('a listed host may resolve to a private address; others may not', () => {
    assert.equal(mayConnect('files.lan', '192.168.1.5', policy), true);
    assert.equal(mayConnect('FILES.LAN.', '192.168.1.5', policy), true);
    assert.equal(mayConnect('assets.example.com', '10.0.0.1', policy), true);
    assert.equal(mayConnect('evil.lan', '192.168.1.5', policy), false);
    assert.equal(mayConnect('sub.files.lan', '192.168.1.5', policy), false);
  });

  test('an empty list opens nothing; allowPrivate opens everything', () => {
    assert.equal(mayConnect('x', '127.0.0.1', { allowPrivate: false, allowlist: parseUrlAllowlist('') }), false);
    assert.equal(mayConnect('x', '127.0.0.1', { allowPrivate: true, allowlist: EMPTY_ALLOWLIST }), true);
    assert.equal(mayConnect('x', '8.8.8.8', { allowPrivate: false, allowlist: EMPTY_ALLOWLIST }), true);
  });

  test('bad entries are refused with the entry named', () => {
    for (const entry of ['10.0.0.0/33', 'fd00::/129', '10.0.0.0/', '10.0.0.0/x', 'files.lan:8080', '*.lan', 'http://files.lan', 'a b', '10.0.0.0/8/1', 'files.lan/24']) {
      assert.throws(() => parseUrlAllowlist(entry), (error: unknown) => error instanceof AllowlistError && error.message.includes(entry), entry);
    }
  });
});
