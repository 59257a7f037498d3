// Unpacks an image's layers into committed snapshots keyed by chain id, each once: an existing chain id is
// reused, and concurrent unpacks of one chain id wait for each other. The uncompressed stream is hashed while
// it is applied, so a layer whose content does not match its diff id is refused and its snapshot dropped.
import { randomBytes } from 'node:crypto';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { DigestingStream, sha256, type Digest } from '../../lib/digest.js';
import { KeyedMutex } from '../../lib/keyed-mutex.js';
import { invalidArgument, isKind } from '../../core/errdefs.js';
import type { ContentStore } from '../../core/content/content-store.js';
import type { Snapshotter } from '../../core/snapshots/snapshotter.js';

export const chainIds = (diffIds: Digest[]): Digest[] => {
  const out: Digest[] = [];
  for (const diffId of diffIds) out.push(out.length === 0 ? diffId : sha256(`${out[out.length - 1]} ${diffId}`));
  return out;
};

/** Keys of snapshots being unpacked into; one left at start was cut off by a crash. */
export const EXTRACT_PREFIX = 'extract-';

const isGzip = (mediaType: string): boolean => mediaType.endsWith('gzip');

export class LayerUnpacker {
  private readonly locks = new KeyedMutex();

  constructor(
    private readonly content: ContentStore,
    private readonly snapshots: Snapshotter,
  ) {}

  /** Returns the unpacked size of each layer. */
  async unpack(layers: { blob: Digest; mediaType: string; diffId: Digest }[], options: { signal?: AbortSignal } = {}): Promise<number[]> {
    const chains = chainIds(layers.map((l) => l.diffId));
    const sizes: number[] = [];
    for (const [i, layer] of layers.entries()) {
      const chainId = chains[i] as Digest;
      const parent = i === 0 ? undefined : chains[i - 1];
      sizes.push(await this.locks.run(chainId, () => this.unpackOne(layer, chainId, parent, options.signal)));
    }
    return sizes;
  }

  private async unpackOne(layer: { blob: Digest; mediaType: string; diffId: Digest }, chainId: Digest, parent: Digest | undefined, signal?: AbortSignal): Promise<number> {
    const existing = await this.snapshots.stat(chainId).catch(() => undefined);
    if (existing?.kind === 'committed') return (await this.snapshots.usage(chainId)).size;
    const key = `${EXTRACT_PREFIX}${randomBytes(6).toString('hex')}-${chainId}`;
    await this.snapshots.prepare(key, parent, { signal });
    try {
      const blob = this.content.read(layer.blob);
      const hasher = new DigestingStream();
      let stream: Readable = blob;
      if (isGzip(layer.mediaType) || (await this.looksGzipped(layer.blob))) {
        const gunzip = createGunzip();
        blob.on('error', (err) => gunzip.destroy(err));
        stream = blob.pipe(gunzip);
      }
      stream.on('error', (err) => hasher.destroy(err));
      const result = await this.snapshots.applyLayer(key, stream.pipe(hasher), { signal });
      // Drain whatever follows the tar's end-of-archive blocks so the digest covers the whole blob.
      hasher.resume();
      if (!hasher.readableEnded) await new Promise((resolve, reject) => hasher.once('end', resolve).once('error', reject));
      if (hasher.digest() !== layer.diffId) throw invalidArgument(`layer ${layer.blob} does not match its diff id ${layer.diffId} (got ${hasher.digest()})`);
      await this.snapshots.commit(chainId, key, { signal });
      return result.size;
    } catch (err) {
      await this.snapshots.remove(key).catch(() => undefined);
      if (isKind(err, 'AlreadyExists')) return (await this.snapshots.usage(chainId)).size;
      throw err;
    }
  }

  private async looksGzipped(blob: Digest): Promise<boolean> {
    const stream = this.content.read(blob);
    for await (const chunk of stream) {
      stream.destroy();
      const b = chunk as Buffer;
      return b[0] === 0x1f && b[1] === 0x8b;
    }
    return false;
  }
}
