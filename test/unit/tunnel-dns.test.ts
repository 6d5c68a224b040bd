import { Resolver } from 'node:dns/promises';
import { createSocket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { checkDns, defaultLookupIPv4 } from '../../src/main/core/tunnel/checks';

// The DNS line of the reachability check names what was asked: the DNS servers (what hosted
// connectors find) versus this machine's own resolution (hosts file included), so a name that
// only /etc/hosts knows doesn't read like an error of ours.

/** A DNS server on 127.0.0.1 that knows no name: it answers every query NXDOMAIN. */
async function emptyDnsServer(): Promise<{ address: string; close: () => void }> {
  const socket = createSocket('udp4');
  socket.on('message', (query, peer) => {
    // Header: same id, QR=1, RD copied, RA=1, RCODE=3 (NXDOMAIN); the question echoed back.
    const answer = Buffer.from(query);
    answer[2] = 0x80 | (query[2]! & 0x01);
    answer[3] = 0x83;
    answer.writeUInt16BE(0, 6); // no answers
    answer.writeUInt16BE(0, 8);
    answer.writeUInt16BE(0, 10);
    socket.send(answer, peer.port, peer.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return { address: `127.0.0.1:${(socket.address() as AddressInfo).port}`, close: () => socket.close() };
}

describe('the reachability check’s DNS line', () => {
  it('a name this machine resolves through its hosts file but no DNS server knows: says both, in words', async () => {
    const dns = await emptyDnsServer();
    try {
      const resolver = new Resolver({ timeout: 2000, tries: 1 });
      resolver.setServers([dns.address]);
      // `localhost` is in every hosts file; the empty DNS server says it doesn't exist.
      const finding = await checkDns('localhost', (name) => resolver.resolve4(name), defaultLookupIPv4);
      expect(finding.outcome).toBe('dns-error');
      expect(finding.detail).toBe(
        "the DNS servers this machine uses do not know localhost (ENOTFOUND); this machine finds it (127.0.0.1) through its hosts file or a local resolver, which hosted connectors don't see",
      );
    } finally {
      dns.close();
    }
  });

  it('a name nobody knows: says the DNS servers do not know it, without claiming this machine does', async () => {
    const dns = await emptyDnsServer();
    try {
      const resolver = new Resolver({ timeout: 2000, tries: 1 });
      resolver.setServers([dns.address]);
      // .invalid never resolves (RFC 6761), here or anywhere.
      const finding = await checkDns('no-such-name.invalid', (name) => resolver.resolve4(name), defaultLookupIPv4);
      expect(finding.detail).toBe('the DNS servers this machine uses do not know no-such-name.invalid (ENOTFOUND)');
    } finally {
      dns.close();
    }
  });
});
