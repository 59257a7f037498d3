import { test } from 'node:test';
import assert from 'node:assert/strict';
import { portRequests, portsView, portSummary, validatePortBindings } from './port-specs.js';

test('port bindings and -P become requests; bad specs are refused', () => {
  const reqs = portRequests(
    {
      '80/tcp': [
        { HostIp: '127.0.0.1', HostPort: '18080' },
        { HostIp: '', HostPort: '' },
      ],
      '53/udp': null,
    },
    true,
    { '80/tcp': {}, '443/tcp': {} },
  );
  assert.deepEqual(reqs, [
    { proto: 'tcp', containerPort: 80, hostIp: '127.0.0.1', hostPort: 18080 },
    { proto: 'tcp', containerPort: 80, hostIp: '', hostPort: 0 },
    { proto: 'udp', containerPort: 53, hostIp: '', hostPort: 0 },
    { proto: 'tcp', containerPort: 443, hostIp: '', hostPort: 0 },
  ]);
  assert.throws(() => validatePortBindings({ 'abc/tcp': [] }), /invalid port specification: "abc\/tcp"/);
  assert.throws(() => validatePortBindings({ '80/tcp': [{ HostPort: '99999' }] }), /invalid port specification/);
  assert.throws(() => validatePortBindings({ '80/tcp': [{ HostIp: 'x.y', HostPort: '1' }] }), /invalid IP address/);
});

test('inspect and ps shapes', () => {
  const mappings = [{ proto: 'tcp' as const, containerPort: 80, hostIp: '', hostPort: 32768 }];
  assert.deepEqual(portsView(mappings, { '80/tcp': {}, '8080/tcp': {} }, {}), {
    '80/tcp': [{ HostIp: '0.0.0.0', HostPort: '32768' }],
    '8080/tcp': null,
  });
  assert.deepEqual(portSummary(mappings, { '8080/tcp': {} }), [
    { IP: '0.0.0.0', PrivatePort: 80, PublicPort: 32768, Type: 'tcp' },
    { PrivatePort: 8080, Type: 'tcp' },
  ]);
});
