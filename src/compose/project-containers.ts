// A project's containers as the engine has them, found by the Compose labels (never by name).
import type { EngineClient } from '../client/engine-client.js';
import { LABEL, projectFilters } from './labels.js';
import type { Existing } from './plan.js';

export interface ProjectContainer extends Existing {
  service: string;
  number: number;
}

/** The project's service containers (one-off ones too with `oneoff`), all states, sorted by service then number. */
export async function projectContainers(
  client: EngineClient,
  project: string,
  service?: string,
  oneoff = false,
): Promise<ProjectContainer[]> {
  const list = await client.containers.list({ all: true, filters: JSON.stringify(projectFilters(project, service)) });
  return list
    .map((c) => {
      const labels = c.Labels ?? {};
      return {
        id: c.Id ?? '',
        name: (c.Names?.[0] ?? '').replace(/^\//, ''),
        state: c.State ?? '',
        labels,
        service: labels[LABEL.service] ?? '',
        number: Number(labels[LABEL.containerNumber] ?? 0),
      };
    })
    .filter((c) => oneoff || c.labels[LABEL.oneoff] !== 'True')
    .sort((a, b) => a.service.localeCompare(b.service) || a.number - b.number);
}
