import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import tar from 'tar-stream';
import { TarTail } from './tar-tail.js';

async function packed(files: Record<string, string>): Promise<Buffer> {
  const pack = tar.pack();
  for (const [name, text] of Object.entries(files)) pack.entry({ name }, text);
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

async function names(bytes: Buffer, chunkSize = 100): Promise<string[]> {
  const parts: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += chunkSize) parts.push(bytes.subarray(i, i + chunkSize));
  const extract = tar.extract();
  Readable.from(parts).pipe(new TarTail()).pipe(extract);
  const out: string[] = [];
  for await (const entry of extract) {
    let text = '';
    for await (const c of entry) text += (c as Buffer).toString('utf8');
    out.push(`${entry.header.name}=${text}`);
  }
  return out;
}

test('a tar that ends right after its last file (the docker CLI with -f outside the context) is completed', async () => {
  const full = await packed({ a: 'one', '.dockerfile.x': 'FROM busybox\n' });
  const cut = full.subarray(0, 512 + 512 + 512 + 'FROM busybox\n'.length);
  assert.deepEqual(await names(cut), ['a=one', '.dockerfile.x=FROM busybox\n']);
  assert.deepEqual(await names(cut, 7), ['a=one', '.dockerfile.x=FROM busybox\n']);
  assert.deepEqual(
    await names(full),
    ['a=one', '.dockerfile.x=FROM busybox\n'],
    'a complete tar is passed on as it is',
  );
  assert.deepEqual(
    await names(full.subarray(0, 2048)),
    ['a=one', '.dockerfile.x=FROM busybox\n'],
    'ending at a header boundary',
  );
});

test('a tar cut inside an entry still fails as truncated', async () => {
  const full = await packed({ a: 'x'.repeat(1000) });
  await assert.rejects(names(full.subarray(0, 512 + 600)));
  await assert.rejects(names(full.subarray(0, 300)));
});
