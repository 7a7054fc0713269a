import ipaddr from 'ipaddr.js';

/**
 * Where an IP address leads, for the outbound policy (docs/security.md, "Server-side request forgery"):
 * - `public`: the internet;
 * - `private`: this host or a network behind it (loopback, RFC 1918, link-local, unique-local, carrier-grade NAT,
 *   unspecified, multicast, reserved…), allowed only when an admin allows private upstreams; `rule` names it;
 * - `metadata`: a cloud provider's instance metadata or host service, which hands out the machine's credentials:
 *   never allowed.
 */
export type AddressClass = { kind: 'public' } | { kind: 'private'; rule: string } | { kind: 'metadata'; rule: string };

/**
 * Instance metadata and host endpoints of the big clouds (AWS IMDS and ECS, GCP, Azure IMDS and its wire server,
 * Alibaba, Oracle): most sit inside link-local or CGNAT space, Azure's wire server is a public address.
 */
const METADATA_ADDRESSES = new Set([
  '169.254.169.254',
  '169.254.170.2',
  '168.63.129.16',
  '100.100.100.200',
  'fd00:ec2::254',
]);

/** ipaddr.js's range names, in the words a refusal uses. Ranges not listed (`unicast`, anycast services) are public. */
const PRIVATE_RANGES: Readonly<Record<string, string>> = {
  unspecified: 'an unspecified address (0.0.0.0 or ::)',
  loopback: 'a loopback address (this host)',
  private: 'a private-network address (10/8, 172.16/12, 192.168/16)',
  linkLocal: 'a link-local address (169.254/16, fe80::/10)',
  carrierGradeNat: 'a carrier-grade NAT address (100.64/10)',
  uniqueLocal: 'a unique-local IPv6 address (fc00::/7)',
  deprecatedSiteLocal: 'a site-local IPv6 address (fec0::/10)',
  broadcast: 'the broadcast address',
  multicast: 'a multicast address',
  reserved: 'a reserved address',
  benchmarking: 'a benchmarking address',
  discard: 'a discard-only IPv6 address',
  teredo: 'a Teredo tunnel address',
  rfc6052: 'a local-use NAT64 address',
};

/** Classifies one IP address (v4, v6 or IPv4 inside IPv6); an unparsable string is treated as private. */
export function classifyUpstreamAddress(address: string): AddressClass {
  if (!ipaddr.isValid(address)) return { kind: 'private', rule: 'an address that cannot be checked' };
  const parsed = ipaddr.parse(address);
  const embedded = embeddedIpv4(parsed);
  if (embedded != null) return classifyUpstreamAddress(embedded);
  if (METADATA_ADDRESSES.has(parsed.toNormalizedString()) || METADATA_ADDRESSES.has(parsed.toString())) {
    return { kind: 'metadata', rule: 'a cloud instance-metadata address' };
  }
  const rule = PRIVATE_RANGES[parsed.range()];
  return rule == null ? { kind: 'public' } : { kind: 'private', rule };
}

/**
 * The IPv4 address an IPv6 address carries and leads to: IPv4-mapped (::ffff:a.b.c.d), IPv4-translated, NAT64's
 * well-known prefix (64:ff9b::/96, what DNS64 answers for every IPv4-only host) and 6to4 (2002::/16).
 */
function embeddedIpv4(address: ipaddr.IPv4 | ipaddr.IPv6): string | null {
  if (address.kind() !== 'ipv6') return null;
  const ipv6 = address as ipaddr.IPv6;
  const parts = ipv6.parts;
  const fromWords = (high: number, low: number) => `${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`;
  switch (ipv6.range()) {
    case 'ipv4Mapped':
    case 'rfc6145':
      return fromWords(parts[6] ?? 0, parts[7] ?? 0);
    case 'rfc6052':
      // Only the well-known /96; the local-use /48 (64:ff9b:1::) leads into a private network.
      return parts[1] === 0xff9b && parts[2] === 0 ? fromWords(parts[6] ?? 0, parts[7] ?? 0) : null;
    case '6to4':
      return fromWords(parts[1] ?? 0, parts[2] ?? 0);
    default:
      return null;
  }
}
