// Volumes and networks: list, create, inspect, remove. Each says "not available" until the engine has them.
import { useState } from 'preact/hooks';
import { engine } from '../api.js';
import { useEvents, useLoad } from '../hooks.js';
import { ActionButton, Heading, Problem } from '../components/common.js';

/** One object's inspect JSON; `id` names it (reloaded when it changes). */
function Inspect({ id, load }: { id: string; load: (signal: AbortSignal) => Promise<unknown> }) {
  const data = useLoad(load, [id]);
  return data.error ? <Problem error={data.error} /> : <pre class="json">{JSON.stringify(data.data, null, 2)}</pre>;
}

function CreateForm({ label, onCreate }: { label: string; onCreate: (name: string) => Promise<unknown> }) {
  const [error, setError] = useState<unknown>(undefined);
  return (
    <form
      class="inline-form"
      onSubmit={(e) => {
        e.preventDefault();
        const form = e.currentTarget;
        const name = String(new FormData(form).get('name') ?? '').trim();
        onCreate(name).then(() => {
          setError(undefined);
          form.reset();
        }, setError);
      }}
    >
      <input name="name" placeholder={`new ${label} name`} />
      <button type="submit">Create {label}</button>
      <Problem error={error} />
    </form>
  );
}

export function VolumesPage() {
  const list = useLoad((signal) => engine.volumes.list({}, { signal }), []);
  const [open, setOpen] = useState<string | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  useEvents(['volume'], () => list.reload());
  return (
    <section class="page">
      <Heading title="Volumes" />
      <CreateForm
        label="volume"
        onCreate={(name) => engine.volumes.create({ Name: name || undefined }).then(list.reload)}
      />
      <Problem error={list.error ?? error} />
      <table class="list" data-testid="volumes">
        <thead>
          <tr>
            <th>Name</th>
            <th>Driver</th>
            <th>Mountpoint</th>
            <th>Actions</th>
          </tr>
        </thead>
        <tbody>
          {(list.data?.Volumes ?? []).map((v) => [
            <tr key={v.Name} class="clickable" onClick={() => setOpen(open === v.Name ? undefined : v.Name)}>
              <td>{v.Name}</td>
              <td>{v.Driver}</td>
              <td class="ellipsis">{v.Mountpoint}</td>
              <td>
                <ActionButton
                  label="Remove"
                  danger
                  confirm={`Remove volume ${v.Name}? Its data is lost.`}
                  onClick={() => engine.volumes.remove(v.Name).then(list.reload, setError)}
                />
              </td>
            </tr>,
            open === v.Name ? (
              <tr key={`${v.Name}-inspect`}>
                <td colSpan={4}>
                  <Inspect id={v.Name} load={(signal) => engine.volumes.inspect(v.Name, { signal })} />
                </td>
              </tr>
            ) : null,
          ])}
        </tbody>
      </table>
    </section>
  );
}

export function NetworksPage() {
  const list = useLoad((signal) => engine.networks.list({}, { signal }), []);
  const [open, setOpen] = useState<string | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  useEvents(['network'], () => list.reload());
  const builtin = new Set(['bridge', 'host', 'none']);
  return (
    <section class="page">
      <Heading title="Networks" />
      <CreateForm
        label="network"
        onCreate={(name) => engine.networks.create({ Name: name, Driver: 'bridge' }).then(list.reload)}
      />
      <Problem error={list.error ?? error} />
      <table class="list" data-testid="networks">
        <thead>
          <tr>
            <th>Name</th>
            <th>Driver</th>
            <th>Subnet</th>
            <th>Actions</th>
          </tr>
        </thead>
        <tbody>
          {(list.data ?? []).map((n) => [
            <tr key={n.Id} class="clickable" onClick={() => setOpen(open === n.Id ? undefined : n.Id)}>
              <td>{n.Name}</td>
              <td>{n.Driver}</td>
              <td>{(n.IPAM?.Config ?? []).map((c) => c.Subnet).join(', ')}</td>
              <td>
                {!builtin.has(n.Name ?? '') && (
                  <ActionButton
                    label="Remove"
                    danger
                    confirm={`Remove network ${n.Name}?`}
                    onClick={() => engine.networks.remove(n.Id ?? '').then(list.reload, setError)}
                  />
                )}
              </td>
            </tr>,
            open === n.Id ? (
              <tr key={`${n.Id}-inspect`}>
                <td colSpan={4}>
                  <Inspect id={n.Id ?? ''} load={(signal) => engine.networks.inspect(n.Id ?? '', { signal })} />
                </td>
              </tr>
            ) : null,
          ])}
        </tbody>
      </table>
    </section>
  );
}
