// The SPA's pure pieces, without a browser: log bytes -> lines, and the run form's port syntax.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LogSplitter } from '../../dashboard/src/log-splitter.js';
import { portSpec } from '../../dashboard/src/port-spec.js';
import { podLabel, podOf } from '../../dashboard/src/pods.js';

const frame = (stream: 1 | 2, text: string | Buffer): Buffer => {
  const body = Buffer.isBuffer(text) ? text : Buffer.from(text);
  const head = Buffer.alloc(8);
  head[0] = stream;
  head.writeUInt32BE(body.length, 4);
  return Buffer.concat([head, body]);
};

test('multiplexed frames split across chunks become lines, stderr marked', () => {
  const s = new LogSplitter(true);
  const bytes = Buffer.concat([frame(1, 'one\ntw'), frame(2, 'oops\n'), frame(1, 'o\n')]);
  // Feed one byte at a time: headers and bodies are cut everywhere.
  for (const b of bytes) s.push(Uint8Array.of(b));
  assert.deepEqual(s.lines, ['one', 'oops', 'two']);
  assert.equal(s.isStderr(1), true);
  assert.equal(s.isStderr(0), false);
});

test('a multi-byte character cut between frames stays whole', () => {
  const s = new LogSplitter(true);
  const euro = Buffer.from('€\n');
  s.push(frame(1, euro.subarray(0, 1)));
  s.push(frame(1, euro.subarray(1)));
  assert.deepEqual(s.lines, ['€']);
});

test('a TTY stream is raw: no frame headers', () => {
  const s = new LogSplitter(false);
  s.push(Buffer.from('a\r\nb'));
  s.push(Buffer.from('\n'));
  assert.deepEqual(s.lines, ['a\r', 'b']);
});

test('100,000 lines split quickly enough for the browser', () => {
  const s = new LogSplitter(true);
  const chunk = frame(1, Array.from({ length: 1000 }, (_, i) => `line ${i}`).join('\n') + '\n');
  for (let i = 0; i < 100; i++) s.push(chunk);
  assert.equal(s.lines.length, 100_000);
});

test('port lines in docker -p syntax', () => {
  assert.deepEqual(portSpec(['8080:80', '127.0.0.1:5353:53/udp', '9000']), {
    exposed: { '80/tcp': {}, '53/udp': {}, '9000/tcp': {} },
    bindings: {
      '80/tcp': [{ HostIp: '', HostPort: '8080' }],
      '53/udp': [{ HostIp: '127.0.0.1', HostPort: '5353' }],
      '9000/tcp': [{ HostIp: '', HostPort: '' }],
    },
  });
  assert.throws(() => portSpec(['80:http']), /invalid port "80:http"/);
});

test('a pod is shown for the containers of the CRI only, not for Docker API look-alikes', () => {
  const pod = { 'io.kubernetes.pod.name': 'web', 'io.kubernetes.pod.namespace': 'e2e' };
  const infra = podOf({ ...pod, 'io.berth.cri.kind': 'sandbox' });
  assert.deepEqual(infra, { namespace: 'e2e', name: 'web', infra: true });
  assert.equal(podLabel(podOf({ ...pod, 'io.berth.cri.kind': 'container' }) ?? infra), 'e2e/web');
  assert.equal(podOf(pod), undefined);
  assert.equal(podOf(undefined), undefined);
});
