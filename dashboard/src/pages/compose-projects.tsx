// Compose projects on the containers page: the containers grouped by their com.docker.compose.project label
// (whoever made them: berth compose, Docker Compose, docker-compose 1.29), with up, down and logs per project. Up and
// down run berth compose's own code on the dashboard server (api.ts composeAction), not a copy of it here.
import { useState } from 'preact/hooks';
import { composeAction, engine, errorText } from '../api.js';
import { ActionButton } from '../components/common.js';
import { displayName } from '../format.js';
import { LogSplitter } from '../log-splitter.js';
import type { ContainerSummary } from '../../../src/client/engine-types.js';

const PROJECT = 'com.docker.compose.project';

export interface ComposeProject {
  name: string;
  containers: ContainerSummary[];
}

/** The projects among these containers, by name. */
export function composeProjects(containers: ContainerSummary[]): ComposeProject[] {
  const byName = new Map<string, ContainerSummary[]>();
  for (const c of containers) {
    const name = c.Labels?.[PROJECT];
    if (name) byName.set(name, [...(byName.get(name) ?? []), c]);
  }
  return [...byName.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, list]) => ({ name, containers: list }));
}

/** The last lines of every container of the project, each prefixed with its container's name, in time order. */
async function projectLogs(project: ComposeProject): Promise<string> {
  const lines: { at: string; text: string }[] = [];
  for (const c of project.containers) {
    const res = await engine.containers.logs(c.Id ?? '', { stdout: true, stderr: true, timestamps: true, tail: '200' });
    // A TTY container's log is raw; the others' multiplexed (the summary does not say: a frame's header does).
    const bytes = new Uint8Array(await res.arrayBuffer());
    const split = new LogSplitter(bytes.length >= 8 && bytes[0]! <= 2 && bytes[1] === 0 && bytes[2] === 0);
    split.push(bytes);
    const name = displayName(c.Names);
    for (const line of split.lines) {
      const space = line.indexOf(' ');
      lines.push({ at: line.slice(0, space), text: `${name}  | ${line.slice(space + 1)}` });
    }
  }
  return lines
    .sort((a, b) => a.at.localeCompare(b.at))
    .map((l) => l.text)
    .join('\n');
}

function ProjectRow({ project, onError }: { project: ComposeProject; onError: (e: unknown) => void }) {
  const [logs, setLogs] = useState<string | undefined>(undefined);
  const running = project.containers.filter((c) => c.State === 'running').length;
  const act = (action: 'up' | 'down') => () => composeAction(project.name, action).catch(onError);
  return (
    <div class="compose-project" data-project={project.name} data-running={running}>
      <span class="name">{project.name}</span>
      <span class="muted">
        {running}/{project.containers.length} running
      </span>
      <span class="row-actions">
        <ActionButton label="Up" testId="compose-up" onClick={act('up')} />
        <ActionButton
          label="Down"
          danger
          testId="compose-down"
          confirm={`Stop and remove the containers and networks of ${project.name}?`}
          onClick={act('down')}
        />
        <ActionButton
          label={logs === undefined ? 'Logs' : 'Hide logs'}
          testId="compose-logs"
          onClick={() =>
            logs === undefined
              ? projectLogs(project).then(setLogs, (e: unknown) => setLogs(errorText(e)))
              : setLogs(undefined)
          }
        />
      </span>
      {logs !== undefined && (
        <pre class="compose-logs" data-testid="compose-log-lines">
          {logs}
        </pre>
      )}
    </div>
  );
}

export function ComposeProjects({
  containers,
  onError,
}: {
  containers: ContainerSummary[];
  onError: (e: unknown) => void;
}) {
  const projects = composeProjects(containers);
  if (projects.length === 0) return null;
  return (
    <div class="compose-projects" data-testid="compose-projects">
      <h3>Compose projects</h3>
      {projects.map((p) => (
        <ProjectRow key={p.name} project={p} onError={onError} />
      ))}
    </div>
  );
}
