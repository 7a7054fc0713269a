import { describe, expect, it } from 'vitest';
import { classifyUpstreamAddress } from './classify-upstream-address.ts';

describe('issue 16: classifyUpstreamAddress', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['::1', 'loopback'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['10.0.0.1', 'private-network'],
    ['172.16.0.1', 'private-network'],
    ['172.31.255.255', 'private-network'],
    ['192.168.1.10', 'private-network'],
    ['169.254.1.1', 'link-local'],
    ['fe80::1', 'link-local'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['fc00::1', 'unique-local'],
    ['fd12:3456::1', 'unique-local'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:10.1.1.1', 'private-network'],
    ['::ffff:169.254.169.254', 'metadata'],
    ['64:ff9b::7f00:1', 'loopback'],
    ['2002:7f00:1::1', 'loopback'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
  ])('issue 16: %s is refused as %s', (address, rule) => {
    const verdict = classifyUpstreamAddress(address);
    expect(verdict.kind).not.toBe('public');
    expect(verdict.kind === 'public' ? '' : verdict.rule).toContain(rule);
  });

  it.each(['169.254.169.254', '169.254.170.2', '168.63.129.16', '100.100.100.200', 'fd00:ec2::254'])(
    'issue 16: %s is a cloud metadata address, refused whatever the setting',
    (address) => {
      expect(classifyUpstreamAddress(address).kind).toBe('metadata');
    },
  );

  it.each(['8.8.8.8', '1.1.1.1', '172.32.0.1', '100.128.0.1', '2606:4700:4700::1111', '64:ff9b::808:808'])(
    'issue 16: %s is public',
    (address) => {
      expect(classifyUpstreamAddress(address)).toEqual({ kind: 'public' });
    },
  );
});
