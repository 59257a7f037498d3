import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatIPv6, parseCidr6, parseIPv6, tryParseIPv6, cidrs6Overlap, formatCidr6 } from './ipv6.js';
import { allocateAddress6, chooseSubnet6, planSubnet6 } from './ipam.js';

test('IPv6 text: ::, IPv4 tails, RFC 5952 output; zones and junk refused', () => {
  assert.equal(formatIPv6(parseIPv6('fd00:0:0:0:0:0:0:1')), 'fd00::1');
  assert.equal(formatIPv6(parseIPv6('FD00:1::0:0:2')), 'fd00:1::2');
  assert.equal(formatIPv6(parseIPv6('::ffff:10.1.2.3')), '::ffff:a01:203');
  assert.equal(formatIPv6(parseIPv6('fd00:1:0:1:0:0:0:1')), 'fd00:1:0:1::1');
  assert.equal(formatIPv6(0n), '::');
  for (const bad of ['fe80::1%eth0', '1:2:3', 'fd00::1::2', 'g::1', '10.0.0.1'])
    assert.equal(tryParseIPv6(bad), undefined, bad);
  assert.equal(formatCidr6(parseCidr6('fd00:1::5/64')), 'fd00:1::/64');
  assert.ok(cidrs6Overlap(parseCidr6('fd00::/48'), parseCidr6('fd00:0:0:1::/64')));
});

test('IPv6 IPAM: /64s of the pool skip used ones; addresses from ::2, requested checked', () => {
  const used = [parseCidr6('fd12:3456:789a::/64')];
  assert.equal(formatCidr6(chooseSubnet6({ base: 'fd12:3456:789a::/48', size: 64 }, used)), 'fd12:3456:789a:1::/64');
  const plan = planSubnet6('fd00:5::/64', undefined, undefined);
  assert.equal(plan.gateway, 'fd00:5::1');
  assert.equal(allocateAddress6(plan, new Set()), 'fd00:5::2');
  assert.equal(allocateAddress6(plan, new Set(['fd00:5::2'])), 'fd00:5::3');
  assert.equal(allocateAddress6(plan, new Set(), 'fd00:5:0:0::99'), 'fd00:5::99');
  assert.throws(() => allocateAddress6(plan, new Set(), 'fd00:6::1'), /no configured subnet/);
  assert.throws(() => planSubnet6('fd00:5::/64', 'fd00:7::1', undefined), /no matching subnet for gateway/);
});
