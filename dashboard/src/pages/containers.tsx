// Containers: a virtualised list (fast at 500+) with state, image, ports as links, uptime, live CPU and
// memory for the rows in view, and the lifecycle actions. Refreshed by container events.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { engine } from '../api.js';
import { useEvents, useLoad } from '../hooks.js';
import { VirtualList } from '../components/virtual-list.js';
import { ActionButton, Heading, Problem } from '../components/common.js';
import { bytes, displayName, shortId } from '../format.js';
import { go } from '../router.js';
import { cpuPercent, memoryUsed } from '../stats.js';
import { ComposeProjects } from './compose-projects.js';
import { podLabel, podOf } from '../pods.js';
import type { Port } from '../../../src/client/engine-types.js';

export function PortLinks({ ports }: { ports: Port[] }) {
  const published = ports.filter((p) => p.PublicPort);
  const seen = new Set<string>();
  return (
    <span>
      {published.map((p) => {
        const key = `${p.PublicPort}/${p.Type}`;
        if (seen.has(key)) return null;
        seen.add(key);
        return p.Type === 'tcp' ? (
          <a
            key={key}
            class="port"
            href={`http://${location.hostname}:${p.PublicPort}/`}
            target="_blank"
            rel="noreferrer"
            onClick={(e) => e.stopPropagation()}
          >
            {p.PublicPort}:{p.PrivatePort}
          </a>
        ) : (
          <span key={key} class="port">
            {p.PublicPort}:{p.PrivatePort}/{p.Type}
          </span>
        );
      })}
    </span>
  );
}

/** CPU and memory of one visible running container, sampled every few seconds. */
function LiveUsage({ id, running }: { id: string; running: boolean }) {
  const [usage, setUsage] = useState<string>('–');
  useEffect(() => {
    if (!running) {
      setUsage('–');
      return;
    }
    const abort = new AbortController();
    const sample = (): void => {
      engine.containers.stats(id, {}, { signal: abort.signal }).then(
        (s) => setUsage(`${cpuPercent(s).toFixed(1)}% · ${bytes(memoryUsed(s))}`),
        () => setUsage('–'),
      );
    };
    sample();
    const timer = setInterval(sample, 5000);
    return () => {
      abort.abort();
      clearInterval(timer);
    };
  }, [id, running]);
  return <span class="usage">{usage}</span>;
}

export function containerActions(c: { Id?: string; State?: string }, name: string, onError: (e: unknown) => void) {
  const id = c.Id ?? '';
  const act = (fn: () => Promise<unknown>) => () => fn().catch(onError);
  const running = c.State === 'running' || c.State === 'restarting';
  const paused = c.State === 'paused';
  return (
    <span class="row-actions">
      {!running && !paused && (
        <ActionButton label="Start" testId="start" onClick={act(() => engine.containers.start(id))} />
      )}
      {running && <ActionButton label="Stop" testId="stop" onClick={act(() => engine.containers.stop(id))} />}
      {running && <ActionButton label="Restart" testId="restart" onClick={act(() => engine.containers.restart(id))} />}
      {running && <ActionButton label="Pause" testId="pause" onClick={act(() => engine.containers.pause(id))} />}
      {paused && <ActionButton label="Unpause" testId="unpause" onClick={act(() => engine.containers.unpause(id))} />}
      <ActionButton
        label="Remove"
        danger
        testId="remove"
        confirm={`Remove container ${name}${running ? ' (it is running: it will be killed)' : ''}? Its writable layer is lost.`}
        onClick={act(() => engine.containers.remove(id, { force: true }))}
      />
    </span>
  );
}

export function ContainersPage() {
  const list = useLoad((signal) => engine.containers.list({ all: true }, { signal }), []);
  const [filter, setFilter] = useState('');
  const [actionError, setActionError] = useState<unknown>(undefined);
  useEvents(['container'], () => list.reload());
  const rows = useMemo(() => {
    const all = list.data ?? [];
    const f = filter.trim().toLowerCase();
    const pod = (c: (typeof all)[number]): string => {
      const p = podOf(c.Labels);
      return p ? podLabel(p).toLowerCase() : '';
    };
    return f
      ? all.filter(
          (c) =>
            displayName(c.Names).toLowerCase().includes(f) ||
            (c.Image ?? '').toLowerCase().includes(f) ||
            pod(c).includes(f),
        )
      : all;
  }, [list.data, filter]);

  return (
    <section class="page">
      <Heading title="Containers">
        <input
          placeholder="Filter by name, image or pod"
          value={filter}
          onInput={(e) => setFilter((e.target as HTMLInputElement).value)}
        />
        <span class="count" data-testid="container-count">
          {rows.length} of {list.data?.length ?? 0}
        </span>
      </Heading>
      <Problem error={list.error ?? actionError} />
      <ComposeProjects containers={list.data ?? []} onError={setActionError} />
      <div class="table-head containers-grid">
        <span>Name</span>
        <span>Image</span>
        <span>State</span>
        <span>Status</span>
        <span>Ports</span>
        <span>CPU · Memory</span>
        <span>Actions</span>
      </div>
      <VirtualList
        count={rows.length}
        rowHeight={36}
        className="table-body"
        testId="containers"
        renderRow={(i) => {
          const c = rows[i];
          if (!c) return null;
          const name = displayName(c.Names);
          const pod = podOf(c.Labels);
          return (
            <div
              class="containers-grid clickable"
              data-name={name}
              data-state={c.State}
              onClick={() => go('containers', c.Id ?? '')}
            >
              <span class="name" title={c.Id}>
                {name} <small>{shortId(c.Id)}</small>
                {pod && (
                  <small
                    class="pod"
                    data-pod={podLabel(pod)}
                    title={pod.infra ? 'the pod’s infra container' : 'in pod'}
                  >
                    {' '}
                    pod {podLabel(pod)}
                  </small>
                )}
              </span>
              <span class="ellipsis">{c.Image}</span>
              <span>
                <span class={`badge ${c.State}`}>{c.State}</span>
              </span>
              <span class="ellipsis">{c.Status}</span>
              <PortLinks ports={c.Ports ?? []} />
              <LiveUsage id={c.Id ?? ''} running={c.State === 'running'} />
              {containerActions(c, name, setActionError)}
            </div>
          );
        }}
      />
    </section>
  );
}
