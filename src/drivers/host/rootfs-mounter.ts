// Mounting snapshot trees for the builder (lib/mount.ts); read-only overlays have no upper dir. And copying a tree
// (cp -a) for a writable bind's view where overlay is not available.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readFile } from 'node:fs/promises';
import type { Mount } from '../../core/snapshots/snapshotter.js';
import { bindMount, mountOverlay, unmount } from '../../lib/mount.js';

const run = promisify(execFile);

export class HostRootfsMounter {
  async mount(mounts: Mount[], target: string, options: { readonly?: boolean } = {}): Promise<void> {
    for (const m of mounts) {
      if (m.type === 'overlay') {
        const opts = options.readonly
          ? m.options.filter((o) => !o.startsWith('upperdir=') && !o.startsWith('workdir='))
          : m.options;
        await mountOverlay(opts, target);
      } else {
        await bindMount(m.source, target, { readonly: options.readonly });
      }
    }
  }

  async unmount(target: string): Promise<void> {
    await unmount(target).catch(() => unmount(target, { lazy: true }));
  }

  async copyTree(source: string, target: string, { signal }: { signal?: AbortSignal } = {}): Promise<void> {
    // cp -a keeps modes, owners, times, links and device nodes, and copies a symlink as a symlink; reflinks where
    // the filesystem has them.
    await run('cp', ['-a', '--reflink=auto', '--', source, target], { signal });
  }

  async unmountUnder(dir: string): Promise<void> {
    const info = await readFile('/proc/self/mountinfo', 'utf8').catch(() => '');
    const points = info
      .split('\n')
      .map((l) => l.split(' ')[4] ?? '')
      .map((p) => p.replace(/\\040/g, ' '))
      .filter((p) => p.startsWith(`${dir}/`))
      .sort((a, b) => b.length - a.length);
    for (const p of points) await unmount(p, { lazy: true }).catch(() => undefined);
  }
}
