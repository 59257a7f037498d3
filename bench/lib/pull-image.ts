// A deterministic ~200 MiB multi-layer image for the registry pull workload: four layers of 50 MiB
// seeded pseudo-random bytes, gzip level 1 (registries serve gzip layers), cached as blobs in one
// directory and uploaded straight to a registry over the distribution API (neither engine pushes it).
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import tar from 'tar-stream';

const LAYERS = 4;
const LAYER_BYTES = 50 * 1024 * 1024;
const MTIME = new Date(1_700_000_000_000);

export interface BlobFile {
  digest: string;
  size: number;
  path: string;
}

export interface PullImage {
  config: BlobFile;
  layers: BlobFile[];
  manifest: Buffer;
}

function* prng(seed: number, bytes: number): Generator<Buffer> {
  let x = seed >>> 0 || 1;
  for (let done = 0; done < bytes; done += 1024 * 1024) {
    const words = new Uint32Array(Math.min(1024 * 1024, bytes - done) / 4);
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

const hasher = (hash: ReturnType<typeof createHash>): Transform =>
  new Transform({
    transform(chunk: Buffer, _e, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });

/** One layer: a tar with one file of `LAYER_BYTES`, gzipped; returns blob digest, size and diff id. */
async function makeLayer(dir: string, index: number): Promise<BlobFile & { diffId: string }> {
  const meta = join(dir, `layer${index}.json`);
  if (existsSync(meta)) return JSON.parse(await readFile(meta, 'utf8')) as BlobFile & { diffId: string };
  const pack = tar.pack();
  const diff = createHash('sha256');
  const blob = createHash('sha256');
  const tmp = join(dir, `layer${index}.tmp`);
  const done = pipeline(pack, hasher(diff), createGzip({ level: 1 }), hasher(blob), createWriteStream(tmp));
  const entry = pack.entry({
    name: `data/layer${index}.bin`,
    size: LAYER_BYTES,
    mode: 0o644,
    mtime: MTIME,
    uid: 0,
    gid: 0,
  });
  await pipeline(Readable.from(prng(index + 7, LAYER_BYTES)), entry);
  pack.finalize();
  await done;
  const digest = `sha256:${blob.digest('hex')}`;
  const path = join(dir, digest.slice(7));
  await rename(tmp, path);
  const out = { digest, size: (await stat(path)).size, path, diffId: `sha256:${diff.digest('hex')}` };
  await writeFile(meta, JSON.stringify(out));
  return out;
}

export async function preparePullImage(dir: string): Promise<PullImage> {
  await mkdir(dir, { recursive: true });
  const layers: (BlobFile & { diffId: string })[] = [];
  for (let i = 0; i < LAYERS; i++) layers.push(await makeLayer(dir, i));
  const configBytes = Buffer.from(
    JSON.stringify({
      architecture: process.arch === 'x64' ? 'amd64' : process.arch,
      os: 'linux',
      created: MTIME.toISOString(),
      config: { Cmd: ['/bin/sh'] },
      rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
    }),
  );
  const configDigest = `sha256:${createHash('sha256').update(configBytes).digest('hex')}`;
  const configPath = join(dir, configDigest.slice(7));
  await writeFile(configPath, configBytes);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
      config: {
        mediaType: 'application/vnd.docker.container.image.v1+json',
        digest: configDigest,
        size: configBytes.length,
      },
      layers: layers.map((l) => ({
        mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
        digest: l.digest,
        size: l.size,
      })),
    }),
  );
  return { config: { digest: configDigest, size: configBytes.length, path: configPath }, layers, manifest };
}

/** Uploads blobs (monolithic, streamed) and the manifest under `repo:tag` of a plain-HTTP registry. */
export async function uploadPullImage(host: string, repo: string, tag: string, image: PullImage): Promise<void> {
  for (const blob of [image.config, ...image.layers]) {
    const start = await fetch(`http://${host}/v2/${repo}/blobs/uploads/`, { method: 'POST' });
    await start.body?.cancel();
    const location = new URL(start.headers.get('location') ?? '', `http://${host}`);
    location.searchParams.set('digest', blob.digest);
    const put = await fetch(location, {
      method: 'PUT',
      body: Readable.toWeb(createReadStream(blob.path)) as ReadableStream,
      headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': String(blob.size) },
      duplex: 'half',
    } as RequestInit);
    await put.body?.cancel();
    if (put.status !== 201) throw new Error(`upload of ${blob.digest}: ${put.status}`);
  }
  const res = await fetch(`http://${host}/v2/${repo}/manifests/${tag}`, {
    method: 'PUT',
    body: image.manifest,
    headers: { 'Content-Type': 'application/vnd.docker.distribution.manifest.v2+json' },
  });
  await res.body?.cancel();
  if (res.status !== 201) throw new Error(`manifest upload: ${res.status}`);
}
