import { describe, expect, it } from 'vitest';
import { nonPublicAddressKind } from '../../src/main/core/server/oauth/cimdFetch';

// The address policy of Client ID Metadata Document fetches: which resolved addresses count as
// public. Every special-purpose range an SSRF could aim at is refused, for IPv4 and IPv6.

describe('nonPublicAddressKind', () => {
  it.each([
    ['127.0.0.1', 'a loopback address'],
    ['127.255.0.9', 'a loopback address'],
    ['10.1.2.3', 'a private address'],
    ['172.16.0.1', 'a private address'],
    ['172.31.255.255', 'a private address'],
    ['192.168.1.1', 'a private address'],
    ['169.254.169.254', 'a link-local address'],
    ['100.64.0.1', 'a carrier-grade NAT (CGNAT) address'],
    ['100.127.255.254', 'a carrier-grade NAT (CGNAT) address'],
    ['0.0.0.0', 'a "this network" address'],
    ['198.18.0.1', 'a benchmarking address'],
    ['192.0.2.10', 'a documentation address'],
    ['224.0.0.1', 'a multicast address'],
    ['255.255.255.255', 'a reserved address'],
    ['::1', 'a loopback address'],
    ['::', 'the unspecified address'],
    ['fe80::1', 'a link-local address'],
    ['fd12:3456::1', 'a unique-local address'],
    ['fc00::1', 'a unique-local address'],
    ['ff02::1', 'a multicast address'],
    ['2001:db8::1', 'a documentation address'],
    ['::ffff:127.0.0.1', 'a loopback address'],
    ['::ffff:7f00:1', 'a loopback address'],
    ['::ffff:10.0.0.1', 'a private address'],
    ['64:ff9b::a9fe:a9fe', 'a link-local address'],
    ['2002:7f00:1::', 'a 6to4 address'],
    ['fe80::1%eth0', 'a link-local address'],
  ])('%s is %s', (address, kind) => {
    expect(nonPublicAddressKind(address)).toBe(kind);
  });

  it.each(['8.8.8.8', '1.1.1.1', '100.63.255.255', '100.128.0.0', '172.15.255.255', '172.32.0.0', '192.169.0.1', '2606:4700:4700::1111', '2a00:1450:4001::200e', '::ffff:8.8.8.8', '64:ff9b::808:808'])(
    '%s is public',
    (address) => {
      expect(nonPublicAddressKind(address)).toBeUndefined();
    },
  );

  it('a host name is not an address', () => {
    expect(nonPublicAddressKind('example.com')).toBe('not an IP address');
  });
});
