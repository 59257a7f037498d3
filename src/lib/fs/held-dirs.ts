// The directories an extraction writes into, held open and looked up by the archive's (relative) directory
// name: most entries share their directory with the one before, so each is resolved in-root once. Anything
// that removes an entry may change how names resolve: `invalidate` drops every handle (closed once the
// current entry is done with it). Creating a name that did not exist cannot change a resolution made before.
import type { FileHandle } from 'node:fs/promises';
import type { FdRoot, ResolveOptions } from './fd-root.js';

const MAX_HELD = 256;

export interface HeldDir {
  handle: FileHandle;
  /** Where it was found, in-root and '/'-rooted, symlinks resolved. */
  path: string;
}

export class HeldDirs {
  private readonly held = new Map<string, HeldDir>();
  private retired: HeldDir[] = [];

  constructor(
    private readonly root: FdRoot,
    private readonly onCreate: NonNullable<ResolveOptions['onCreate']>,
  ) {}

  /** The directory `rel` names (made as `mkdir -p` would when missing), symlinks followed inside the root. */
  async get(rel: string): Promise<HeldDir> {
    const found = this.held.get(rel);
    if (found) return found;
    if (this.held.size >= MAX_HELD) this.invalidate();
    const dir = await this.root.openDirAt(rel, { createParents: true, writable: true, onCreate: this.onCreate });
    this.held.set(rel, dir);
    return dir;
  }

  invalidate(): void {
    this.retired.push(...this.held.values());
    this.held.clear();
  }

  /** Closes the handles dropped since the last call (none is in use between entries). */
  async settle(): Promise<void> {
    const done = this.retired;
    this.retired = [];
    for (const d of done) await d.handle.close().catch(() => undefined);
  }

  async close(): Promise<void> {
    this.invalidate();
    await this.settle();
  }
}
