import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { displayProgress, progressText } from './progress-display.js';

const stream = (messages: object[]): Readable =>
  Readable.from([messages.map((m) => JSON.stringify(m)).join('\n') + '\n']);

function sink(terminal: boolean, columns = 120): { out: NodeJS.WriteStream; text: () => string } {
  let text = '';
  const out = { write: (s: string) => ((text += s), true), isTTY: terminal, columns } as unknown as NodeJS.WriteStream;
  return { out, text: () => text };
}

const messages = [
  { status: 'Pulling from library/busybox', id: 'latest' },
  { status: 'Pulling fs layer', progressDetail: {}, id: 'aaa' },
  { status: 'Downloading', progressDetail: { current: 500, total: 1000 }, progress: '[=>] 500B/1kB', id: 'aaa' },
  { status: 'Download complete', progressDetail: {}, id: 'aaa' },
  { status: 'Digest: sha256:x' },
];

test('non-terminal: one line a message, byte updates left out', async () => {
  const s = sink(false);
  await displayProgress(stream(messages), s.out, { terminal: false });
  assert.equal(
    s.text(),
    'latest: Pulling from library/busybox\naaa: Pulling fs layer\naaa: Download complete\nDigest: sha256:x\n',
  );
});

test('terminal: each id keeps a line redrawn in place', async () => {
  const s = sink(true);
  await displayProgress(stream(messages), s.out, { terminal: true });
  const bar = progressText({ current: 500, total: 1000 }, 120);
  assert.equal(
    s.text(),
    'latest: Pulling from library/busybox\n' +
      '\n\x1b[1A\x1b[2K\raaa: Pulling fs layer \r\x1b[1B' +
      `\x1b[1A\x1b[2K\raaa: Downloading ${bar}\r\x1b[1B` +
      '\x1b[1A\x1b[2K\raaa: Download complete \r\x1b[1B' +
      'Digest: sha256:x\n',
  );
});

test('bars as the docker CLI draws them', () => {
  assert.equal(progressText({}, 200), '');
  assert.equal(
    progressText({ current: 1_000_000, total: 2_000_000 }, 200),
    `[${'='.repeat(25)}>${' '.repeat(25)}]      1MB/2MB`,
  );
  assert.equal(progressText({ current: 1_000_000, total: 2_000_000 }, 80), '     1MB/2MB');
});

test('aux messages go to the callback', async () => {
  const seen: unknown[] = [];
  await displayProgress(stream([{ progressDetail: {}, aux: { Tag: 'v1' } }]), sink(false).out, {
    terminal: false,
    onAux: (a) => seen.push(a),
  });
  assert.deepEqual(seen, [{ Tag: 'v1' }]);
});
