// Waiting for a file to appear without polling: a watch on its directory, then a look, so that a file made between
// the two is not missed.
import { existsSync, watch } from 'node:fs';

/** Resolves once `path`, a file in `dir`, exists. */
export function whenExists(path: string, dir: string): Promise<void> {
  return new Promise((resolve) => {
    const watcher = watch(dir, () => {
      if (!existsSync(path)) return;
      watcher.close();
      resolve();
    });
    if (existsSync(path)) {
      watcher.close();
      resolve();
    }
  });
}
