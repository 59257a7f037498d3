// "Run" with the common options: name, command, ports, env, volumes, restart policy. Creates and starts.
import { useState } from 'preact/hooks';
import { engine } from '../api.js';
import type { ContainerCreateBody, HostConfig } from '../../../src/client/engine-types.js';
import { Problem } from '../components/common.js';
import { go } from '../router.js';
import { portSpec } from '../port-spec.js';

const lines = (text: string): string[] =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

export function RunForm({ image, onDone }: { image: string; onDone: () => void }) {
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const submit = async (form: HTMLFormElement): Promise<void> => {
    const data = new FormData(form);
    const get = (k: string): string => String(data.get(k) ?? '').trim();
    setBusy(true);
    try {
      const ports = portSpec(lines(get('ports')));
      const restart = get('restart');
      const command = get('command');
      const body: ContainerCreateBody = {
        Image: get('image'),
        Cmd: command ? ['sh', '-c', command] : undefined,
        Env: lines(get('env')),
        ExposedPorts: ports.exposed,
        HostConfig: {
          PortBindings: ports.bindings,
          Binds: lines(get('volumes')),
          // The form offers only Docker's policy names.
          RestartPolicy: { Name: restart === 'no' ? '' : restart, MaximumRetryCount: 0 } as HostConfig['RestartPolicy'],
        },
      };
      const name = get('name');
      const created = await engine.containers.create(body, { name: name || undefined });
      if (!created) throw new Error('create answered nothing');
      await engine.containers.start(created.Id);
      onDone();
      go('containers', created.Id);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      class="run-form"
      data-testid="run-form"
      onSubmit={(e) => {
        e.preventDefault();
        void submit(e.currentTarget);
      }}
    >
      <h2>Run a container</h2>
      <label>
        Image <input name="image" value={image} required />
      </label>
      <label>
        Name <input name="name" placeholder="(generated)" />
      </label>
      <label>
        Command <input name="command" placeholder="(the image's)" />
      </label>
      <label>
        Ports <textarea name="ports" placeholder="8080:80 (one a line)" rows={2} />
      </label>
      <label>
        Environment <textarea name="env" placeholder="KEY=value (one a line)" rows={2} />
      </label>
      <label>
        Volumes <textarea name="volumes" placeholder="name-or-/host/path:/in/container[:ro] (one a line)" rows={2} />
      </label>
      <label>
        Restart policy
        <select name="restart">
          <option value="no">no</option>
          <option value="always">always</option>
          <option value="unless-stopped">unless-stopped</option>
          <option value="on-failure">on-failure</option>
        </select>
      </label>
      <Problem error={error} />
      <div class="actions">
        <button type="submit" disabled={busy}>
          Run
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
