// ContentStore on the local filesystem: <root>/blobs/sha256/<hex>, partial writes in <root>/ingest/.
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { mkdir, open, readFile, readdir, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { Readable, Writable } from 'node:stream';
import { z } from 'zod';
import { DigestingStream, digestHex, isDigest, sha256, type Digest } from '../../lib/digest.js';
import { BULK_CHUNK } from '../../lib/bulk-io.js';
import { EarlyWriteback } from '../../lib/early-writeback.js';
import { invalidArgument, notFound } from '../../core/errdefs.js';
import type { BlobInfo, ContentStore, Lease } from '../../core/content/content-store.js';

export const contentStoreConfigSchema = z.object({ root: z.string().min(1) }).strict();

export class LocalContentStore implements ContentStore {
  private readonly root: string;

  constructor(config: z.infer<typeof contentStoreConfigSchema>) {
    this.root = contentStoreConfigSchema.parse(config).root;
  }

  private blobPath(digest: Digest): string {
    return join(this.root, 'blobs', 'sha256', digestHex(digest));
  }

  async ingest(
    data: Readable,
    expected: { digest?: Digest; size?: number } = {},
    options: { signal?: AbortSignal; lease?: Lease } = {},
  ): Promise<BlobInfo> {
    const ingestDir = join(this.root, 'ingest');
    await mkdir(ingestDir, { recursive: true });
    await mkdir(join(this.root, 'blobs', 'sha256'), { recursive: true });
    const tmp = join(ingestDir, randomBytes(12).toString('hex'));
    // The blob is fsynced before its rename: its writeback starts while it is still being written.
    const writeback = new EarlyWriteback(tmp);
    const hasher = new DigestingStream((bytes) => writeback.wrote(bytes));
    try {
      try {
        await pipeline(data, hasher, createWriteStream(tmp, { flags: 'wx', highWaterMark: BULK_CHUNK }), {
          signal: options.signal,
        });
      } finally {
        await writeback.close();
      }
      const digest = hasher.digest();
      if (expected.size !== undefined && hasher.bytes !== expected.size)
        throw invalidArgument(`size mismatch: expected ${expected.size} bytes, got ${hasher.bytes}`);
      if (expected.digest !== undefined && digest !== expected.digest)
        throw invalidArgument(`digest mismatch: expected ${expected.digest}, got ${digest}`);
      const fh = await open(tmp, 'r');
      await fh.sync();
      await fh.close();
      options.lease?.add(digest);
      await rename(tmp, this.blobPath(digest));
      return { digest, size: hasher.bytes };
    } finally {
      await rm(tmp, { force: true });
    }
  }

  async commitFile(
    path: string,
    expected: { digest: Digest; size?: number },
    options: { signal?: AbortSignal; hashedAs?: Digest; lease?: Lease } = {},
  ): Promise<BlobInfo> {
    await mkdir(join(this.root, 'blobs', 'sha256'), { recursive: true });
    try {
      const { digest, bytes } = options.hashedAs
        ? { digest: options.hashedAs, bytes: (await stat(path)).size }
        : await hashFile(path, options.signal);
      if (expected.size !== undefined && bytes !== expected.size)
        throw invalidArgument(`size mismatch: expected ${expected.size} bytes, got ${bytes}`);
      if (digest !== expected.digest)
        throw invalidArgument(`digest mismatch: expected ${expected.digest}, got ${digest}`);
      const fh = await open(path, 'r');
      await fh.sync();
      await fh.close();
      options.lease?.add(digest);
      try {
        await rename(path, this.blobPath(digest));
      } catch (err) {
        // Another filesystem: copy through the ordinary verifying writer.
        if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
        return await this.ingest(createReadStream(path, { highWaterMark: BULK_CHUNK }), { digest }, options);
      }
      return { digest, size: bytes };
    } finally {
      await rm(path, { force: true });
    }
  }

  /**
   * A small blob is hashed in memory and written in one call (fsynced, then renamed in), or not at all when the store
   * has it: a build writes a config and a manifest per step, and ingest's stream costs several more file operations.
   */
  async put(data: Uint8Array | string, options: { lease?: Lease } = {}): Promise<BlobInfo> {
    const bytes = Buffer.from(data);
    const digest = sha256(bytes);
    options.lease?.add(digest);
    if (await this.has(digest)) return { digest, size: bytes.length };
    const tmp = join(this.root, 'ingest', randomBytes(12).toString('hex'));
    const fh = await open(tmp, 'wx').catch(async (err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
      await mkdir(join(this.root, 'ingest'), { recursive: true });
      await mkdir(join(this.root, 'blobs', 'sha256'), { recursive: true });
      return open(tmp, 'wx');
    });
    try {
      try {
        await fh.writeFile(bytes);
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(tmp, this.blobPath(digest)).catch(async (err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT') throw err;
        await mkdir(join(this.root, 'blobs', 'sha256'), { recursive: true });
        await rename(tmp, this.blobPath(digest));
      });
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
    return { digest, size: bytes.length };
  }

  // One stat of a local file, done at once: through the thread pool it costs 0.3-2 ms of waiting on a busy
  // daemon, and a rebuild from the cache checks one blob per step on its critical path.
  async has(digest: Digest): Promise<boolean> {
    return existsSync(this.blobPath(digest));
  }

  async info(digest: Digest): Promise<BlobInfo> {
    try {
      return { digest, size: (await stat(this.blobPath(digest))).size };
    } catch {
      throw notFound(`blob ${digest} not found`);
    }
  }

  read(digest: Digest, range?: { start: number; end?: number }): Readable {
    return createReadStream(this.blobPath(digest), { ...range, highWaterMark: BULK_CHUNK });
  }

  async openFile(digest: Digest): Promise<FileHandle> {
    try {
      return await open(this.blobPath(digest), 'r');
    } catch {
      throw notFound(`blob ${digest} not found`);
    }
  }

  async readAll(digest: Digest): Promise<Buffer> {
    try {
      return await readFile(this.blobPath(digest));
    } catch {
      throw notFound(`blob ${digest} not found`);
    }
  }

  async delete(digest: Digest): Promise<void> {
    await rm(this.blobPath(digest), { force: true });
  }

  async list(): Promise<Digest[]> {
    const names = await readdir(join(this.root, 'blobs', 'sha256')).catch(() => [] as string[]);
    return names.map((n) => `sha256:${n}`).filter(isDigest);
  }

  async cleanupIngests(): Promise<void> {
    await rm(join(this.root, 'ingest'), { recursive: true, force: true });
  }
}

async function hashFile(path: string, signal: AbortSignal | undefined): Promise<{ digest: Digest; bytes: number }> {
  const hasher = new DigestingStream();
  await pipeline(
    createReadStream(path, { highWaterMark: BULK_CHUNK }),
    hasher,
    new Writable({ write: (_c, _e, done) => done() }),
    { signal },
  );
  return { digest: hasher.digest(), bytes: hasher.bytes };
}
