import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ALL_CAPABILITIES, DEFAULT_CAPABILITIES, effectiveCapabilities } from './capabilities.js';

test("Docker's default set has the 14 capabilities and no SYS_ADMIN", () => {
  const caps = effectiveCapabilities([], [], false);
  assert.equal(caps.length, 14);
  assert.deepEqual([...caps].sort(), [...DEFAULT_CAPABILITIES].sort());
  assert.ok(!caps.includes('CAP_SYS_ADMIN'));
});

test('cap-add and cap-drop accept names with or without CAP_, in any case', () => {
  const caps = effectiveCapabilities(['sys_admin', 'CAP_NET_ADMIN'], ['chown', 'CAP_KILL'], false);
  assert.ok(caps.includes('CAP_SYS_ADMIN') && caps.includes('CAP_NET_ADMIN'));
  assert.ok(!caps.includes('CAP_CHOWN') && !caps.includes('CAP_KILL'));
});

test('drop ALL then add some keeps only the added ones', () => {
  assert.deepEqual(effectiveCapabilities(['NET_BIND_SERVICE'], ['ALL'], false), ['CAP_NET_BIND_SERVICE']);
});

test('add ALL and privileged give every capability', () => {
  assert.equal(effectiveCapabilities(['ALL'], [], false).length, ALL_CAPABILITIES.length);
  assert.equal(effectiveCapabilities([], ['ALL'], true).length, ALL_CAPABILITIES.length);
});

test('an unknown capability is refused', () => {
  assert.throws(() => effectiveCapabilities(['BOGUS'], [], false), /unknown capability: "CAP_BOGUS"/);
});
