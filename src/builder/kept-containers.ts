// RUN containers a build keeps on purpose (rm=0, or a failed step without forcerm, as dockerd keeps them)
// are remembered here, so start-up repair removes only the containers a crash cut off, never these.
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const dirOf = (workRoot: string): string => join(workRoot, 'kept-containers');

export async function keepContainer(workRoot: string, id: string): Promise<void> {
  await mkdir(dirOf(workRoot), { recursive: true });
  await writeFile(join(dirOf(workRoot), id), '');
}

export async function keptContainers(workRoot: string): Promise<Set<string>> {
  return new Set(await readdir(dirOf(workRoot)).catch(() => []));
}

/** Forgets kept containers that no longer exist (removed by the user). */
export async function forgetKept(workRoot: string, ids: Iterable<string>): Promise<void> {
  for (const id of ids) await rm(join(dirOf(workRoot), id), { force: true });
}
