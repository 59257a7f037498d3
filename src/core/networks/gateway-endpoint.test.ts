import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gatewayEndpoint } from './gateway-endpoint.js';

const c = (networkName: string, internal = false, dualStack = false) => ({ networkName, internal, dualStack });

test('the default routes go via the network whose name sorts first, as libnetwork orders endpoints', () => {
  assert.equal(gatewayEndpoint([c('zeta'), c('bridge'), c('alpha')])?.networkName, 'alpha');
  assert.equal(gatewayEndpoint([c('b'), c('B')])?.networkName, 'B', 'byte order, as Go compares strings');
});

test('internal networks never carry them; dual-stack ones come before the others', () => {
  assert.equal(gatewayEndpoint([c('a', true), c('b')])?.networkName, 'b');
  assert.equal(gatewayEndpoint([c('a', true)]), undefined);
  assert.equal(gatewayEndpoint([]), undefined);
  assert.equal(gatewayEndpoint([c('a'), c('z', false, true)])?.networkName, 'z');
});
