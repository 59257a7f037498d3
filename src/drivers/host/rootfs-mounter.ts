// Mounting snapshot trees for the builder (lib/mount.ts); read-only overlays have no upper dir.
import { readFile } from 'node:fs/promises';
import type { Mount } from '../../core/snapshots/snapshotter.js';
import { bindMount, mountOverlay, unmount } from '../../lib/mount.js';

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
