// A port rootlesskit may not listen on (below the host's unprivileged port start) is named with its fixes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { privilegedPortRefusal } from './rootlesskit-ports.js';

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
