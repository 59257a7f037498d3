import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { negotiate } from './spdy-upgrade.js';

const request = (headers: Record<string, string>): IncomingMessage => ({ headers }) as unknown as IncomingMessage;
const upgrade = { connection: 'Upgrade', upgrade: 'SPDY/3.1' };

test("the sub-protocol is the client's first one the server speaks; refusals as kubelet's", () => {
  const v4 = ['v4.channel.k8s.io'];
  assert.deepEqual(
    negotiate(request({ ...upgrade, 'x-stream-protocol-version': 'v5.channel.k8s.io, v4.channel.k8s.io' }), v4),
    { protocol: 'v4.channel.k8s.io' },
  );
  assert.deepEqual(negotiate(request(upgrade), v4), {
    status: 400,
    message: 'unable to upgrade: X-Stream-Protocol-Version is required',
  });
  const refused = negotiate(request({ ...upgrade, 'x-stream-protocol-version': 'channel.k8s.io' }), v4);
  assert.equal('status' in refused && refused.status, 403);
  // An upgrade to anything but SPDY (a WebSocket is served before this, by websocket-channels.ts).
  const other = negotiate(
    request({ connection: 'Upgrade', upgrade: 'h2c', 'x-stream-protocol-version': 'v4.channel.k8s.io' }),
    v4,
  );
  assert.equal('status' in other && other.status, 400);
  assert.match('message' in other ? other.message : '', /SPDY\/3\.1 and WebSocket; Upgrade: h2c/);
});
