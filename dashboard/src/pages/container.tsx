// One container: overview and inspect JSON, logs (follow), stats charts over time, a terminal (exec).
import { useCallback, useEffect, useState } from 'preact/hooks';
import { engine, jsonLines } from '../api.js';
import { useEvents, useLoad } from '../hooks.js';
import { Heading, Problem } from '../components/common.js';
import { LogView } from '../components/log-view.js';
import { LineChart } from '../components/chart.js';
import { Terminal, type TerminalSession } from '../components/terminal.js';
import { containerActions } from './containers.js';
import { bytes, shortId } from '../format.js';
import { go } from '../router.js';
import { cpuPercent, memoryUsed } from '../stats.js';
import type { ContainerInspect, ContainerStats } from '../../../src/client/engine-types.js';

const TABS = ['overview', 'logs', 'stats', 'terminal', 'inspect'] as const;

function Overview({ c }: { c: ContainerInspect }) {
  const ports = Object.entries(c.NetworkSettings?.Ports ?? {}).flatMap(([p, bindings]) =>
    (bindings ?? []).map((b) => `${b.HostIp || '0.0.0.0'}:${b.HostPort} → ${p}`),
  );
  const rows: [string, string][] = [
    ['ID', c.Id ?? ''],
    ['Image', c.Config?.Image ?? ''],
    ['Command', [c.Path, ...(c.Args ?? [])].join(' ')],
    ['State', `${c.State?.Status}${c.State?.Running ? ` (pid ${c.State.Pid})` : ` (exit ${c.State?.ExitCode})`}`],
    ['Created', c.Created ?? ''],
    ['Started', c.State?.StartedAt ?? ''],
    ['Finished', c.State?.FinishedAt ?? ''],
    ['Restart policy', c.HostConfig?.RestartPolicy?.Name || 'no'],
    ['Ports', ports.join(', ') || '–'],
    ['Mounts', (c.Mounts ?? []).map((m) => `${m.Source} → ${m.Destination}`).join(', ') || '–'],
    ['Env', (c.Config?.Env ?? []).join('\n')],
  ];
  return <dl class="kv">{rows.map(([k, v]) => [<dt key={`${k}-t`}>{k}</dt>, <dd key={`${k}-d`}>{v}</dd>])}</dl>;
}

function StatsCharts({ id, running }: { id: string; running: boolean }) {
  const [cpu, setCpu] = useState<number[]>([]);
  const [mem, setMem] = useState<number[]>([]);
  const [limit, setLimit] = useState<number | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  useEffect(() => {
    if (!running) return;
    const abort = new AbortController();
    engine.containers
      .statsStream(id, {}, { signal: abort.signal })
      .then((res) =>
        jsonLines<ContainerStats>(res, (s) => {
          setCpu((v) => [...v.slice(-119), cpuPercent(s)]);
          setMem((v) => [...v.slice(-119), memoryUsed(s)]);
          setLimit(s.memory_stats.limit);
        }),
      )
      .catch((err: unknown) => !abort.signal.aborted && setError(err));
    return () => abort.abort();
  }, [id, running]);
  if (!running) return <div class="notice">The container is not running.</div>;
  return (
    <div class="charts">
      <Problem error={error} />
      <LineChart label="CPU" values={cpu} format={(n) => `${n.toFixed(1)}%`} testId="cpu-chart" />
      <LineChart label="Memory" values={mem} format={bytes} testId="mem-chart" />
      {limit ? <small class="muted">limit {bytes(limit)}</small> : null}
    </div>
  );
}

export function ContainerPage({ id, tab }: { id: string; tab: string }) {
  const inspect = useLoad((signal) => engine.containers.inspect(id, {}, { signal }), [id]);
  const [actionError, setActionError] = useState<unknown>(undefined);
  useEvents(['container'], (e) => {
    if (e.Actor?.ID === inspect.data?.Id && e.Action === 'destroy') go('containers');
    else if (e.Actor?.ID === inspect.data?.Id) inspect.reload();
  });
  const c = inspect.data;
  const running = c?.State?.Running === true;
  const session = useCallback(async (): Promise<TerminalSession> => {
    const exec = await engine.exec.create(id, {
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
      Tty: true,
      Cmd: ['sh'],
      Env: ['TERM=xterm-256color'],
    });
    if (!exec) throw new Error('no exec id');
    return { path: `/api/ws/exec/${exec.Id}`, resize: (h, w) => engine.exec.resize(exec.Id, { h, w }) };
  }, [id]);
  if (!c) return <section class="page">{inspect.error ? <Problem error={inspect.error} /> : 'loading…'}</section>;
  const name = (c.Name ?? '').replace(/^\//, '');
  const current = (TABS as readonly string[]).includes(tab) ? tab : 'overview';
  return (
    <section class="page">
      <Heading title={name}>
        <span class={`badge ${c.State?.Status}`} data-testid="state">
          {c.State?.Status}
        </span>
        <small class="muted">{shortId(c.Id)}</small>
        {containerActions({ Id: c.Id, State: c.State?.Status }, name, setActionError)}
      </Heading>
      <Problem error={actionError} />
      <nav class="tabs">
        {TABS.map((t) => (
          <a key={t} href={`#/containers/${id}/${t}`} class={t === current ? 'active' : ''} data-testid={`tab-${t}`}>
            {t}
          </a>
        ))}
      </nav>
      {current === 'overview' && <Overview c={c} />}
      {current === 'logs' && <LogView id={c.Id ?? id} tty={c.Config?.Tty ?? false} tail="all" />}
      {current === 'stats' && <StatsCharts id={c.Id ?? id} running={running} />}
      {current === 'terminal' &&
        (running ? <Terminal session={session} /> : <div class="notice">Start the container to open a terminal.</div>)}
      {current === 'inspect' && <pre class="json">{JSON.stringify(c, null, 2)}</pre>}
    </section>
  );
}
