// `berth rootless check` (run in the CLI's process, handed in by bin/berth) and berthd's refusal share this.
import { missingPrerequisites, prerequisitesReport } from '../../core/rootless/prerequisites.js';
import { rootlessChoices } from '../../core/rootless/choices.js';
import { gatherRootlessFacts } from './host-facts.js';

export async function rootlessCheck(env: NodeJS.ProcessEnv = process.env): Promise<{ ok: boolean; report: string }> {
  const facts = await gatherRootlessFacts(env);
  const missing = missingPrerequisites(facts);
  const header = `rootless berthd for ${facts.user.name} (uid ${facts.user.id}):\n`;
  const uses = `berthd will use:\n${rootlessChoices(facts)
    .map((line) => `  ${line}\n`)
    .join('')}`;
  return { ok: !missing.some((m) => m.required), report: header + prerequisitesReport(missing) + uses };
}
