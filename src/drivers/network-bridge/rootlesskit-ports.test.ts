// A port rootlesskit may not listen on (below the host's unprivileged port start) is named with its fixes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { insidePorts, privilegedPortRefusal } from './rootlesskit-ports.js';

test('a denied port below 1024 names the sysctl and setcap; other errors pass as they are', () => {
  const denied = new Error('rootlesskit port driver: listen tcp 127.0.0.1:80: bind: permission denied');
  const named = privilegedPortRefusal(80, denied);
  assert.match(
    named?.message ?? '',
    /^cannot publish host port 80 rootless: .*sysctl -w net\.ipv4\.ip_unprivileged_port_start=80 /,
  );
  assert.match(named?.message ?? '', /setcap cap_net_bind_service=ep .*bind: permission denied\)$/);
  assert.equal(privilegedPortRefusal(8080, denied), undefined);
  assert.equal(privilegedPortRefusal(80, new Error('bind: address already in use')), undefined);
});

test('inside the namespace a port published on one host address is matched on 127.0.0.1; one port on two addresses refused', () => {
  const port = (hostIp: string, hostPort: number, containerIp = '10.1.0.2') => ({
    containerIp,
    mapping: { proto: 'tcp' as const, containerPort: 80, hostIp, hostPort },
  });
  const inside = insidePorts([port('', 8080), port('127.0.0.2', 8081), port('192.0.2.7', 8082), port('0.0.0.0', 8083)]);
  assert.deepEqual(
    inside.map((p) => p.mapping.hostIp),
    ['', '127.0.0.1', '127.0.0.1', '0.0.0.0'],
  );
  assert.deepEqual(insidePorts([port('127.0.0.2', 8081), port('127.0.0.2', 8081, '10.1.0.3')]).length, 2);
  assert.throws(
    () => insidePorts([port('127.0.0.2', 8081), port('127.0.0.3', 8081, '10.1.0.3')]),
    /cannot publish host port 8081\/tcp on 127\.0\.0\.3 rootless: it is published on 127\.0\.0\.2 already/,
  );
});
