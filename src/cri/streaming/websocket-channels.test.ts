import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { negotiateWebSocket } from './websocket-channels.js';
import { portsOfQuery } from './port-forward-websocket.js';
import { REMOTE_COMMAND_WEBSOCKET_PROTOCOLS } from './remote-command-websocket.js';

const offering = (protocols?: string): IncomingMessage =>
  ({ headers: protocols === undefined ? {} : { 'sec-websocket-protocol': protocols } }) as unknown as IncomingMessage;

test("a WebSocket's sub-protocol: the client's first one the kind speaks, none offered taken as ''", () => {
  const exec = REMOTE_COMMAND_WEBSOCKET_PROTOCOLS;
  assert.deepEqual(negotiateWebSocket(offering('v5.channel.k8s.io, v4.base64.channel.k8s.io'), exec), {
    protocol: 'v4.base64.channel.k8s.io',
  });
  assert.deepEqual(negotiateWebSocket(offering(), exec), { protocol: '' });
  assert.deepEqual(negotiateWebSocket(offering('base64.channel.k8s.io'), ['', 'v4.channel.k8s.io']), {
    status: 403,
    message:
      'unable to upgrade websocket connection: requested protocol(s) are not supported: [base64.channel.k8s.io]; supports [ v4.channel.k8s.io]',
  });
});

test('port-forward ports from the query: repeated or comma-separated; refusals in kubelet words', () => {
  assert.deepEqual(portsOfQuery(new URLSearchParams('port=80&port=8080,9090')), [80, 8080, 9090]);
  assert.deepEqual(portsOfQuery(new URLSearchParams('')), { error: 'query parameter "port" is required' });
  assert.deepEqual(portsOfQuery(new URLSearchParams('port=')), { error: 'query parameter "port" cannot be empty' });
  assert.deepEqual(portsOfQuery(new URLSearchParams('port=http')), { error: 'unable to parse "http" as a port' });
  assert.deepEqual(portsOfQuery(new URLSearchParams('port=70000')), { error: 'unable to parse "70000" as a port' });
  assert.deepEqual(portsOfQuery(new URLSearchParams('port=0')), { error: 'port "0" must be > 0' });
});
