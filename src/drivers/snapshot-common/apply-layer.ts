// Unpacks an OCI layer (uncompressed tar stream) into a snapshot's tree through the one confined extractor
// (lib/fs/extract-tar.ts) in layer mode: whiteouts go to the snapshotter's WhiteoutMode (overlay char
// devices and xattrs, or deletions); lower layers supply implicit parents and hardlink targets.
import type { Readable } from 'node:stream';
import { invalidArgument } from '../../core/errdefs.js';
import { FdRoot } from '../../lib/fs/fd-root.js';
import { ExtractError, extractTar, type WhiteoutMode } from '../../lib/fs/extract-tar.js';

export type { WhiteoutMode } from '../../lib/fs/extract-tar.js';

export interface ApplyOptions {
  whiteouts: WhiteoutMode;
  /** Lower layers' roots, top first: where a hardlink's target may live when this layer does not carry it. */
  lowerRoots?: string[];
  /** Largest single file accepted (bytes). */
  maxFileSize?: number;
  signal?: AbortSignal;
}

export async function applyLayer(root: string, layer: Readable, options: ApplyOptions): Promise<{ size: number }> {
  const fdRoot = await FdRoot.open(root);
  try {
    return await extractTar(fdRoot.handle, layer, {
      layer: { whiteouts: options.whiteouts, lowerRoots: options.lowerRoots ?? [] },
      maxFileSize: options.maxFileSize,
      signal: options.signal,
    });
  } catch (err) {
    if (err instanceof ExtractError) throw invalidArgument(`invalid layer: ${err.message}`, err);
    throw err;
  } finally {
    await fdRoot.close();
  }
}
