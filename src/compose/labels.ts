// Docker Compose v2's labels, put on everything berth compose creates, so Compose v2, Portainer and berth's
// dashboard see the same projects, and so berth compose finds its own things again (by label, never by name alone).
export const LABEL = {
  project: 'com.docker.compose.project',
  service: 'com.docker.compose.service',
  containerNumber: 'com.docker.compose.container-number',
  configHash: 'com.docker.compose.config-hash',
  workingDir: 'com.docker.compose.project.working_dir',
  configFiles: 'com.docker.compose.project.config_files',
  environmentFile: 'com.docker.compose.project.environment_file',
  oneoff: 'com.docker.compose.oneoff',
  dependsOn: 'com.docker.compose.depends_on',
  version: 'com.docker.compose.version',
  image: 'com.docker.compose.image',
  slug: 'com.docker.compose.slug',
  network: 'com.docker.compose.network',
  volume: 'com.docker.compose.volume',
} as const;

/** The `label=` filters that select a project's resources (and, given, one service's). */
export function projectFilters(project: string, service?: string): { label: string[] } {
  const label = [`${LABEL.project}=${project}`];
  if (service !== undefined) label.push(`${LABEL.service}=${service}`);
  return { label };
}
