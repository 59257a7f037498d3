// A deterministic ~100 MiB docker-archive (bench/big:latest): one layer of incompressible bytes from a
// seeded PRNG, fixed mtimes, so its image ID is the same on every machine and every run.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import tar from 'tar-stream';

type EntryHeader = Parameters<tar.Pack['entry']>[0];

export const BIG_IMAGE = 'bench/big:latest';
const FILES = 4;
const FILE_BYTES = 25 * 1024 * 1024;
const MTIME = new Date(1_700_000_000_000);
const CHUNK = 1024 * 1024;

/** xorshift32 filling whole chunks: fast, seeded, and incompressible enough for gzip and zstd. */
function* prngChunks(seed: number, bytes: number): Generator<Buffer> {
  let x = seed >>> 0 || 1;
  for (let done = 0; done < bytes; done += CHUNK) {
    const words = new Uint32Array(Math.min(CHUNK, bytes - done) / 4);
    for (let i = 0; i < words.length; i++) {
      x ^= x << 13;
      x >>>= 0;
      x ^= x >>> 17;
      x ^= x << 5;
      x >>>= 0;
      words[i] = x;
    }
    yield Buffer.from(words.buffer);
  }
}

function header(name: string, size: number, type: 'file' | 'directory' = 'file'): EntryHeader {
  return {
    name,
    size,
    type,
    mode: type === 'file' ? 0o644 : 0o755,
    mtime: MTIME,
    uid: 0,
    gid: 0,
    uname: '',
    gname: '',
  };
}

async function writeEntry(
  pack: tar.Pack,
  name: string,
  size: number,
  chunks: Iterable<Buffer> | AsyncIterable<Buffer>,
): Promise<void> {
  let entry!: ReturnType<tar.Pack['entry']>;
  const written = new Promise<void>((resolve, reject) => {
    entry = pack.entry(header(name, size), (error) => (error ? reject(error) : resolve()));
  });
  for await (const chunk of chunks)
    if (!entry.write(chunk)) await new Promise<void>((resolve) => entry.once('drain', () => resolve()));
  entry.end(undefined);
  await written;
}

/** Writes `pack` to `file` while hashing it; returns the sha256 hex. */
async function packToFile(file: string, fill: (pack: tar.Pack) => Promise<void>): Promise<string> {
  const pack = tar.pack();
  const hash = createHash('sha256');
  const out = createWriteStream(file);
  const hashing = new Writable({
    write(chunk: Buffer, _enc, callback) {
      hash.update(chunk);
      if (out.write(chunk)) callback();
      else out.once('drain', () => callback());
    },
    final(callback) {
      out.end(callback);
    },
  });
  const piped = pipeline(pack, hashing);
  await fill(pack);
  pack.finalize();
  await piped;
  return hash.digest('hex');
}

export async function makeBigImage(file: string): Promise<string> {
  if (existsSync(file)) return file;
  const layerFile = `${file}.layer`;
  const layerDigest = await packToFile(layerFile, async (pack) => {
    pack.entry(header('data/', 0, 'directory'));
    for (let i = 0; i < FILES; i++)
      await writeEntry(pack, `data/blob-${i}`, FILE_BYTES, prngChunks(0x9e3779b9 + i, FILE_BYTES));
  });
  const config = Buffer.from(
    JSON.stringify({
      architecture: process.arch === 'x64' ? 'amd64' : process.arch,
      os: 'linux',
      created: MTIME.toISOString(),
      config: { Cmd: ['/bin/sh'], Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'] },
      rootfs: { type: 'layers', diff_ids: [`sha256:${layerDigest}`] },
      history: [{ created: MTIME.toISOString(), created_by: 'bench: 100 MiB of seeded pseudo-random data' }],
    }),
  );
  const configDigest = createHash('sha256').update(config).digest('hex');
  const manifest = Buffer.from(
    JSON.stringify([{ Config: `${configDigest}.json`, RepoTags: [BIG_IMAGE], Layers: [`${layerDigest}/layer.tar`] }]),
  );
  const layerSize = (await stat(layerFile)).size;
  await packToFile(`${file}.tmp`, async (pack) => {
    pack.entry(header(`${layerDigest}/`, 0, 'directory'));
    await writeEntry(pack, `${layerDigest}/layer.tar`, layerSize, createReadStream(layerFile) as AsyncIterable<Buffer>);
    pack.entry(header(`${configDigest}.json`, config.length), config);
    pack.entry(header('manifest.json', manifest.length), manifest);
  });
  await rm(layerFile);
  await rename(`${file}.tmp`, file);
  return file;
}
