// Online garbage collection, with no read-only window: pushes and pulls go on while it runs.
//
// Mark: every manifest in the index is a root (tags are names for manifests; deleting a tag keeps the
// manifest under its digest and its other tags). A repository's blob link is live while a manifest of
// that repository references it, or while its lease is fresh: every upload, HEAD, GET and mount of the
// blob refreshes the lease, so a push whose blobs are in but whose manifest is not yet written keeps them.
// Sweep, in two steps:
//   1. one SQLite transaction drops the links that are neither referenced nor leased. A manifest PUT is a
//      transaction too and checks its references inside it, so it either lands first (and the link is
//      referenced, so kept) or finds the link gone and fails with MANIFEST_BLOB_UNKNOWN: never a manifest
//      naming a blob that is about to vanish.
//   2. each blob file nothing links is deleted under that digest's lock after a fresh check. Committing an
//      upload (verifying write + link) takes the same lock, so a concurrent push of the same bytes either
//      links first (the file is kept) or writes the file anew after the delete.
// Upload sessions idle past their time-to-live are dropped with their staging files.
import type { Digest } from '../lib/digest.js';
import { digestLock, type RegistryContext } from './context.js';

export interface GcOptions {
  /** How long a blob link untouched and unreferenced is kept (the lease). */
  graceMs: number;
  /** How long an upload session may stay unfinished. */
  uploadTtlMs: number;
}

export interface GcReport {
  linksRemoved: number;
  blobsRemoved: number;
  bytesFreed: number;
  uploadsRemoved: number;
}

export class GarbageCollector {
  private running: Promise<GcReport> | undefined;

  constructor(
    private readonly ctx: RegistryContext,
    private readonly options: GcOptions,
  ) {}

  /** One collection; concurrent calls share the run in progress. */
  collect(options: { signal?: AbortSignal } = {}): Promise<GcReport> {
    this.running ??= this.run(options).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async run(options: { signal?: AbortSignal }): Promise<GcReport> {
    const { ctx } = this;
    const now = Date.now();
    const report: GcReport = { linksRemoved: 0, blobsRemoved: 0, bytesFreed: 0, uploadsRemoved: 0 };
    for (const session of ctx.index.listUploads()) {
      if (session.startedAt >= now - this.options.uploadTtlMs) continue;
      ctx.index.deleteUpload(session.id);
      await ctx.uploads.remove(session.id);
      report.uploadsRemoved++;
    }
    report.linksRemoved = ctx.index.sweepLinks(now - this.options.graceMs);
    for (const digest of await ctx.content.list()) {
      options.signal?.throwIfAborted();
      if (ctx.index.isReferenced(digest)) continue;
      const freed = await ctx.locks.run(digestLock(digest), () => this.sweepBlob(digest));
      if (freed !== undefined) {
        report.blobsRemoved++;
        report.bytesFreed += freed;
      }
    }
    ctx.logger.info(report, 'registry garbage collection done');
    return report;
  }

  private async sweepBlob(digest: Digest): Promise<number | undefined> {
    if (this.ctx.index.isReferenced(digest)) return undefined;
    const size = await this.ctx.content.info(digest).then(
      (i) => i.size,
      () => 0,
    );
    await this.ctx.content.delete(digest);
    return size;
  }
}
