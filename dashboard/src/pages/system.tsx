// System: disk usage (GET /system/df) with prune, and the live events feed.
import { useEffect, useState } from 'preact/hooks';
import { engine } from '../api.js';
import { useEvents, useLoad } from '../hooks.js';
import { ActionButton, Heading, Problem } from '../components/common.js';
import { VirtualList } from '../components/virtual-list.js';
import { recentEvents, subscribe, type EngineEvent } from '../events.js';
import { bytes } from '../format.js';

function EventsFeed() {
  const [count, setCount] = useState(recentEvents.length);
  useEffect(() => subscribe(() => setCount(recentEvents.length)), []);
  const describe = (e: EngineEvent): string =>
    `${new Date((e.time ?? 0) * 1000).toLocaleTimeString()}  ${e.Type} ${e.Action}  ${e.Actor?.Attributes?.name ?? (e.Actor?.ID ?? '').slice(0, 12)}`;
  return (
    <div class="events">
      <h2>Events</h2>
      <VirtualList
        count={count}
        rowHeight={20}
        follow
        className="event-lines"
        testId="events"
        renderRow={(i) => <span>{recentEvents[i] ? describe(recentEvents[i]!) : ''}</span>}
      />
    </div>
  );
}

/** The prune of each row, as POST /{what}/prune. */
const PRUNE = {
  images: () => engine.images.prune(),
  containers: () => engine.containers.prune(),
  volumes: () => engine.volumes.prune(),
  build: () => engine.images.buildPrune(),
};

export function SystemPage() {
  const df = useLoad((signal) => engine.system.df({}, { signal }), []);
  const [result, setResult] = useState<string>('');
  const [error, setError] = useState<unknown>(undefined);
  useEvents(['container', 'image', 'volume'], () => df.reload());
  const d = df.data;
  const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
  const rows = d
    ? [
        ['Images', d.Images?.length ?? 0, d.LayersSize ?? sum((d.Images ?? []).map((i) => i.Size)), 'images'],
        ['Containers', d.Containers?.length ?? 0, sum((d.Containers ?? []).map((c) => c.SizeRw ?? 0)), 'containers'],
        [
          'Local volumes',
          d.Volumes?.length ?? 0,
          sum((d.Volumes ?? []).map((v) => Math.max(0, v.UsageData?.Size ?? 0))),
          'volumes',
        ],
        ['Build cache', d.BuildCache?.length ?? 0, sum((d.BuildCache ?? []).map((b) => b.Size ?? 0)), 'build'],
      ]
    : [];
  const prune = async (what: string): Promise<void> => {
    try {
      const out = await PRUNE[what as keyof typeof PRUNE]();
      setResult(`${what}: reclaimed ${bytes(out?.SpaceReclaimed ?? 0)}`);
      df.reload();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <section class="page">
      <Heading title="System" />
      <Problem error={df.error ?? error} />
      <table class="list" data-testid="disk-usage">
        <thead>
          <tr>
            <th>Type</th>
            <th>Total</th>
            <th>Size</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {rows.map(([label, count, size, what]) => (
            <tr key={label}>
              <td>{label}</td>
              <td>{count}</td>
              <td>{bytes(size as number)}</td>
              <td>
                <ActionButton
                  label="Prune"
                  danger
                  confirm={`Prune unused ${String(label).toLowerCase()}? This cannot be undone.`}
                  onClick={() => prune(what as string)}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {result && <div class="notice">{result}</div>}
      <EventsFeed />
    </section>
  );
}
