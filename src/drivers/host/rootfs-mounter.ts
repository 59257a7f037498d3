// Mounting snapshot trees for the builder (mount(8)/umount(8)); read-only overlays have no upper dir.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import type { Mount } from '../../core/snapshots/snapshotter.js';

const run = promisify(execFile);

export class HostRootfsMounter {
  async mount(mounts: Mount[], target: string, options: { readonly?: boolean } = {}): Promise<void> {
    for (const m of mounts) {
      if (m.type === 'overlay') {
        const opts = options.readonly
          ? m.options.filter((o) => !o.startsWith('upperdir=') && !o.startsWith('workdir='))
          : m.options;
        await run('mount', ['-t', 'overlay', 'overlay', '-o', opts.join(','), target]);
      } else {
        await run('mount', ['--bind', ...(options.readonly ? ['-o', 'ro'] : []), m.source, target]);
      }
    }
  }

  async unmount(target: string): Promise<void> {
    await run('umount', [target]).catch(() => run('umount', ['-l', target]));
  }

  async unmountUnder(dir: string): Promise<void> {
    const info = await readFile('/proc/self/mountinfo', 'utf8').catch(() => '');
    const points = info
      .split('\n')
      .map((l) => l.split(' ')[4] ?? '')
      .map((p) => p.replace(/\\040/g, ' '))
      .filter((p) => p.startsWith(`${dir}/`))
      .sort((a, b) => b.length - a.length);
    for (const p of points) await run('umount', ['-l', p]).catch(() => undefined);
  }
}
