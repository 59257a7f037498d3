// What the CRI keeps of a pod beside its infra container's record: the addresses CNI gave it, in one small
// JSON file per pod with a CNI network under the data root (written atomically), so PodSandboxStatus answers
// them after a restart. A host-network pod has none.
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../lib/atomic-file.js';
import type { PodPortMapping } from '../core/networks/pod-network.js';

export interface PodState {
  ips: string[];
  /** Whether the pod's network is attached (CNI ADD done, no DEL since). */
  attached: boolean;
  /** The pod's port mappings as attached (CNI DEL is given the same). */
  portMappings?: PodPortMapping[];
}

export class PodStates {
  constructor(private readonly dir: string) {}

  private path(id: string): string {
    return join(this.dir, `${id}.json`);
  }

  async get(id: string): Promise<PodState | undefined> {
    try {
      return JSON.parse(await readFile(this.path(id), 'utf8')) as PodState;
    } catch {
      return undefined;
    }
  }

  async put(id: string, state: PodState): Promise<void> {
    await writeFileAtomic(this.path(id), JSON.stringify(state), { mode: 0o600 });
  }

  async remove(id: string): Promise<void> {
    await rm(this.path(id), { force: true });
  }
}
