// Orphans: a project's containers of services its files no longer have (neither active nor left out by a profile).
// `up` and `down` warn of them as Compose v2 does, and remove them with --remove-orphans.
import type { Project } from './model.js';
import type { ProjectContainer } from './project-containers.js';

export function orphansOf(project: Project, containers: ProjectContainer[]): ProjectContainer[] {
  const known = new Set([...Object.keys(project.services), ...project.disabledServices]);
  return containers.filter((c) => !known.has(c.service));
}

/** Compose v2's warning, word for word (the names as Go prints a slice of strings: `[a b]`). */
export const orphanWarning = (orphans: ProjectContainer[]): string =>
  `Found orphan containers ([${orphans.map((c) => c.name).join(' ')}]) for this project. If you removed or renamed ` +
  'this service in your compose file, you can run this command with the --remove-orphans flag to clean it up.';
