// A stable identity for the daemon's data root, made once and kept in the root.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { writeFileAtomic } from '../lib/atomic-file.js';

export async function loadEngineId(dataRoot: string): Promise<string> {
  const path = join(dataRoot, 'engine-id');
  try {
    const id = readFileSync(path, 'utf8').trim();
    if (id) return id;
  } catch {
    /* first start */
  }
  const id = randomUUID();
  await writeFileAtomic(path, `${id}\n`, { mode: 0o600 });
  return id;
}
