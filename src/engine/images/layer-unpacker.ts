// Unpacks an image's layers into committed snapshots keyed by chain id, each once: an existing chain id is
// reused, and concurrent unpacks of one chain id wait for each other. The uncompressed stream is hashed while
// it is applied, so a layer whose content does not match its diff id is refused and its snapshot dropped.
// A pull may unpack a layer from its download as it arrives: the snapshot is then committed only once the
// blob itself is stored with its digest checked, and dropped otherwise.
import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { DigestingStream, sha256, type Digest } from '../../lib/digest.js';
import { KeyedMutex } from '../../lib/keyed-mutex.js';
import { invalidArgument, isKind } from '../../core/errdefs.js';
import type { ContentStore } from '../../core/content/content-store.js';
import type { Snapshotter } from '../../core/snapshots/snapshotter.js';
import { compressionOf, decompress, type Compression } from './layer-decompress.js';

export const chainIds = (diffIds: Digest[]): Digest[] => {
  const out: Digest[] = [];
  for (const diffId of diffIds) out.push(out.length === 0 ? diffId : sha256(`${out[out.length - 1]} ${diffId}`));
  return out;
};

/** Keys of snapshots being unpacked into; one left at start was cut off by a crash. */
export const EXTRACT_PREFIX = 'extract-';

export interface UnpackProgress {
  /** Compressed bytes of the blob read so far. */
  onProgress?: (bytes: number) => void;
}

export class LayerUnpacker {
  private readonly locks = new KeyedMutex();

  constructor(
    private readonly content: ContentStore,
    private readonly snapshots: Snapshotter,
  ) {}

  /** Returns the unpacked size of each layer. */
  async unpack(
    layers: { blob: Digest; mediaType: string; diffId: Digest }[],
    options: { signal?: AbortSignal } = {},
  ): Promise<number[]> {
    const chains = chainIds(layers.map((l) => l.diffId));
    const sizes: number[] = [];
    for (const [i, layer] of layers.entries()) {
      const chainId = chains[i] as Digest;
      const parent = i === 0 ? undefined : chains[i - 1];
      sizes.push(await this.locks.run(chainId, () => this.unpackOne(layer, chainId, parent, options.signal)));
    }
    return sizes;
  }

  /** One layer on top of `parent` (already committed), committed as `chainId`; for pulls, which unpack as layers arrive. */
  unpackLayer(
    layer: { blob: Digest; mediaType: string; diffId: Digest },
    chainId: Digest,
    parent: Digest | undefined,
    options: { signal?: AbortSignal } & UnpackProgress = {},
  ): Promise<number> {
    return this.locks.run(chainId, () => this.unpackOne(layer, chainId, parent, options.signal, options.onProgress));
  }

  /**
   * One layer unpacked from its compressed bytes as they arrive, while the same bytes are stored: `stored` is that
   * blob's ingest (size and digest checked), and the snapshot is committed only after it resolves and the diff
   * id matches. `compressed` is always read to its end (discarded when the layer is unpacked already or the
   * unpack fails), so the ingest beside it never waits on an unpack that stopped.
   */
  async unpackLayerFrom(
    layer: { blob: Digest; mediaType: string; diffId: Digest },
    chainId: Digest,
    parent: Digest | undefined,
    compressed: { stream: Readable; compression: Compression; stored: Promise<unknown> },
    options: { signal?: AbortSignal } = {},
  ): Promise<number> {
    try {
      return await this.locks.run(chainId, () =>
        this.unpackOne(layer, chainId, parent, options.signal, undefined, compressed),
      );
    } finally {
      compressed.stream.resume();
    }
  }

  /**
   * Commits an active snapshot as `chainId` when its tree already is that layer over its parent (a build step's
   * upper dir, whose tar made the layer), instead of unpacking the tar again; returns the unpacked size. An
   * existing `chainId` is reused and the active snapshot left to its owner.
   */
  adopt(chainId: Digest, key: string, options: { signal?: AbortSignal } = {}): Promise<number> {
    return this.locks.run(chainId, async () => {
      const existing = await this.snapshots.stat(chainId).catch(() => undefined);
      if (existing?.kind !== 'committed') await this.snapshots.commit(chainId, key, options);
      return (await this.snapshots.usage(chainId)).size;
    });
  }

  /** True when the layer stack up to `chainId` is unpacked already. */
  async hasLayer(chainId: Digest): Promise<boolean> {
    return (await this.snapshots.stat(chainId).catch(() => undefined))?.kind === 'committed';
  }

  private async unpackOne(
    layer: { blob: Digest; mediaType: string; diffId: Digest },
    chainId: Digest,
    parent: Digest | undefined,
    signal?: AbortSignal,
    onProgress?: (bytes: number) => void,
    arriving?: { stream: Readable; compression: Compression; stored: Promise<unknown> },
  ): Promise<number> {
    const existing = await this.snapshots.stat(chainId).catch(() => undefined);
    if (existing?.kind === 'committed') return (await this.snapshots.usage(chainId)).size;
    const key = `${EXTRACT_PREFIX}${randomBytes(6).toString('hex')}-${chainId}`;
    await this.snapshots.prepare(key, parent, { signal });
    try {
      const compression = arriving?.compression ?? compressionOf(layer.mediaType, await this.firstBytes(layer.blob));
      const blob = arriving?.stream ?? this.content.read(layer.blob);
      const hasher = new DigestingStream();
      const stream = decompress(blob, compression);
      if (onProgress) {
        let read = 0;
        blob.on('data', (chunk: Buffer) => onProgress((read += chunk.length)));
      }
      stream.on('error', (err) => hasher.destroy(err));
      const result = await this.snapshots.applyLayer(key, stream.pipe(hasher), { signal });
      // Drain whatever follows the tar's end-of-archive blocks so the digest covers the whole blob.
      hasher.resume();
      if (!hasher.readableEnded)
        await new Promise((resolve, reject) => hasher.once('end', resolve).once('error', reject));
      if (hasher.digest() !== layer.diffId)
        throw invalidArgument(
          `layer ${layer.blob} does not match its diff id ${layer.diffId} (got ${hasher.digest()})`,
        );
      if (arriving) await arriving.stored;
      await this.snapshots.commit(chainId, key, { signal });
      return result.size;
    } catch (err) {
      await this.snapshots.remove(key).catch(() => undefined);
      if (isKind(err, 'AlreadyExists')) return (await this.snapshots.usage(chainId)).size;
      throw err;
    }
  }

  private async firstBytes(blob: Digest): Promise<Buffer> {
    const stream = this.content.read(blob);
    for await (const chunk of stream) {
      stream.destroy();
      return chunk as Buffer;
    }
    return Buffer.alloc(0);
  }
}
