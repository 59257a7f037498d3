import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseBridgeOptions } from './bridge-options.js';

test('bridge options: Docker names parsed, unknown kept, bad values refused with Docker messages', () => {
  const o = parseBridgeOptions({
    'com.docker.network.bridge.name': 'br0x',
    'com.docker.network.bridge.enable_icc': 'False',
    'com.docker.network.bridge.enable_ip_masquerade': '0',
    'com.docker.network.driver.mtu': '1400',
    'com.docker.network.bridge.host_binding_ipv4': '127.0.0.1',
    'com.docker.network.container_iface_prefix': 'lan',
    'vendor.opt': 'anything',
  });
  assert.deepEqual(o, {
    bridgeName: 'br0x',
    icc: false,
    masquerade: false,
    mtu: 1400,
    hostBindingIp: '127.0.0.1',
    ifacePrefix: 'lan',
  });
  assert.throws(
    () => parseBridgeOptions({ 'com.docker.network.bridge.enable_icc': 'maybe' }),
    /failed to parse com\.docker\.network\.bridge\.enable_icc value: maybe/,
  );
  assert.throws(() => parseBridgeOptions({ 'com.docker.network.driver.mtu': 'abc' }), /strconv\.Atoi/);
  assert.throws(() => parseBridgeOptions({ 'com.docker.network.driver.mtu': '20' }), /invalid MTU number/);
  assert.throws(() => parseBridgeOptions({ 'com.docker.network.bridge.host_binding_ipv4': 'nope' }), /nil ip/);
  for (const bad of ['a/b', 'a b', 'a\nb', 'a"b', 'a#b', '..'])
    assert.throws(
      () => parseBridgeOptions({ 'com.docker.network.bridge.name': bad }),
      /invalid com\.docker\.network\.bridge\.name/,
      bad,
    );
  assert.throws(
    () => parseBridgeOptions({ 'com.docker.network.bridge.name': 'averyveryverylongname' }),
    /longer than 15/,
  );
  assert.throws(
    () => parseBridgeOptions({ 'com.docker.network.bridge.inhibit_ipv4': 'true' }),
    /inhibit_ipv4=true is not supported/,
  );
});
