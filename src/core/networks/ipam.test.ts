import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allocateAddress, assertNoOverlap, chooseSubnet, macFor, planSubnet, DEFAULT_ADDRESS_POOLS } from './ipam.js';
import { parseCidr } from './ipv4.js';

test('chooseSubnet skips subnets in use by networks or host routes', () => {
  const used = ['172.17.0.0/16', '172.18.5.0/24'].map(parseCidr);
  assert.equal(`${chooseSubnet(DEFAULT_ADDRESS_POOLS, used).base >>> 0}`, `${parseCidr('172.19.0.0/16').base}`);
  const all = [parseCidr('172.16.0.0/12')];
  assert.equal(chooseSubnet(DEFAULT_ADDRESS_POOLS, all).prefix, 20);
  assert.throws(() => chooseSubnet([{ base: '10.0.0.0/30', size: 30 }], [parseCidr('10.0.0.0/8')]), /non-overlapping/);
});

test('planSubnet normalises, validates gateway and range', () => {
  assert.deepEqual(planSubnet('10.1.2.3/16', undefined, undefined), {
    subnet: '10.1.0.0/16',
    gateway: '10.1.0.1',
    ipRange: '10.1.0.0/16',
  });
  assert.throws(() => planSubnet('10.1.0.0/16', '10.2.0.1', undefined), /no matching subnet for gateway/);
  assert.throws(() => planSubnet('10.1.0.0/16', undefined, '10.3.0.0/24'), /no matching subnet for range/);
  assert.throws(() => planSubnet('10.1.0.0/40', undefined, undefined), /invalid CIDR/);
});

test('overlap with another network or a host route is refused with Docker message', () => {
  assert.throws(
    () => assertNoOverlap('10.1.0.0/24', [{ name: 'a', subnet: '10.1.0.0/16' }], []),
    /Pool overlaps with other one on this address space/,
  );
  assert.throws(() => assertNoOverlap('192.0.2.0/25', [], [parseCidr('192.0.2.0/24')]), /Pool overlaps/);
  assert.doesNotThrow(() =>
    assertNoOverlap('10.2.0.0/24', [{ name: 'a', subnet: '10.1.0.0/16' }], [parseCidr('0.0.0.0/0')]),
  );
});

test('addresses: next free in range, requested one checked, MAC from address', () => {
  const plan = planSubnet('10.9.0.0/29', undefined, undefined);
  assert.equal(allocateAddress(plan, new Set()), '10.9.0.2');
  assert.equal(allocateAddress(plan, new Set(['10.9.0.2', '10.9.0.3'])), '10.9.0.4');
  assert.throws(
    () => allocateAddress(plan, new Set(['10.9.0.2', '10.9.0.3', '10.9.0.4', '10.9.0.5', '10.9.0.6'])),
    /no available IPv4 addresses/,
  );
  assert.equal(allocateAddress(plan, new Set(), '10.9.0.5'), '10.9.0.5');
  assert.throws(() => allocateAddress(plan, new Set(['10.9.0.5']), '10.9.0.5'), /Address already in use/);
  assert.throws(() => allocateAddress(plan, new Set(), '10.8.0.5'), /no configured subnet/);
  assert.equal(macFor('172.17.0.2'), '02:42:ac:11:00:02');
});
