// berth stats: live resource usage of containers, docker's columns and units. --no-stream takes one record per
// container (the daemon samples twice, so CPU % is over about a second); otherwise one stream per container
// and a redraw every second (cursor home, each line erased to its end, the rest of the screen cleared).
import type { IncomingMessage } from 'node:http';
import { createInterface } from 'node:readline';
import type { DockerCommand } from '../command.js';
import { CliExit, type CliContext } from '../context.js';
import { ApiError } from '../../client/engine-client.js';
import type { ContainerStats } from '../../client/engine-types.js';
import { contextRow, renderList } from '../format/list.js';
import { bytesSize, humanSize } from '../format/units.js';

const DEFAULT_FORMAT =
  'table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.NetIO}}\t{{.BlockIO}}\t{{.PIDs}}';
const HEADERS = {
  ID: 'CONTAINER ID',
  Container: 'CONTAINER',
  Name: 'NAME',
  CPUPerc: 'CPU %',
  MemUsage: 'MEM USAGE / LIMIT',
  MemPerc: 'MEM %',
  NetIO: 'NET I/O',
  BlockIO: 'BLOCK I/O',
  PIDs: 'PIDS',
};

/** A stats record; any field may be missing from an engine's answer. */
type StatsRecord = Partial<ContainerStats> & Pick<ContainerStats, 'read' | 'id' | 'name'>;

/** docker's numbers from one record (stats_helpers.go). */
export function statsRow(container: string, r: StatsRecord | undefined, noTrunc: boolean): Record<string, string> {
  if (!r || r.read === '0001-01-01T00:00:00Z') {
    return {
      Container: container,
      ID: r ? (noTrunc ? r.id : r.id.slice(0, 12)) : container,
      Name: r && r.name.length > 1 ? r.name.slice(1) : '--',
      CPUPerc: '0.00%',
      MemUsage: '0B / 0B',
      MemPerc: '0.00%',
      NetIO: '0B / 0B',
      BlockIO: '0B / 0B',
      PIDs: '0',
    };
  }
  const cpuDelta = (r.cpu_stats?.cpu_usage?.total_usage ?? 0) - (r.precpu_stats?.cpu_usage?.total_usage ?? 0);
  const systemDelta = (r.cpu_stats?.system_cpu_usage ?? 0) - (r.precpu_stats?.system_cpu_usage ?? 0);
  const online = r.cpu_stats?.online_cpus || r.cpu_stats?.cpu_usage?.percpu_usage?.length || 0;
  const cpu = systemDelta > 0 && cpuDelta > 0 ? (cpuDelta / systemDelta) * online * 100 : 0;
  const m = r.memory_stats ?? {};
  const usage = m.usage ?? 0;
  const v1Inactive = m.stats?.total_inactive_file;
  const v2Inactive = m.stats?.inactive_file ?? 0;
  const mem =
    v1Inactive !== undefined && v1Inactive < usage
      ? usage - v1Inactive
      : v2Inactive < usage
        ? usage - v2Inactive
        : usage;
  const limit = m.limit ?? 0;
  const memPerc = limit !== 0 ? (mem / limit) * 100 : 0;
  let rx = 0;
  let tx = 0;
  for (const n of Object.values(r.networks ?? {})) {
    rx += n.rx_bytes;
    tx += n.tx_bytes;
  }
  let read = 0;
  let write = 0;
  for (const e of r.blkio_stats?.io_service_bytes_recursive ?? []) {
    if (e.op.toLowerCase() === 'read') read += e.value;
    else if (e.op.toLowerCase() === 'write') write += e.value;
  }
  return {
    Container: container,
    ID: noTrunc ? r.id : r.id.slice(0, 12),
    Name: r.name.length > 1 ? r.name.slice(1) : '--',
    CPUPerc: `${cpu.toFixed(2)}%`,
    MemUsage: `${bytesSize(mem)} / ${bytesSize(limit)}`,
    MemPerc: `${memPerc.toFixed(2)}%`,
    NetIO: `${humanSize(rx, 3)} / ${humanSize(tx, 3)}`,
    BlockIO: `${humanSize(read, 3)} / ${humanSize(write, 3)}`,
    PIDs: String(r.pids_stats?.current ?? 0),
  };
}

interface StatsFlags {
  all?: boolean;
  format?: string;
  stream: boolean;
  trunc: boolean;
}

export function register(parent: DockerCommand, ctx: CliContext, name: string): DockerCommand {
  const cmd = parent
    .command(name)
    .usage('[OPTIONS] [CONTAINER...]')
    .description('Display a live stream of container(s) resource usage statistics')
    .argument('[containers...]')
    .option('-a, --all', 'Show all containers (default shows just running)')
    .option('--format <string>', 'Format output using a custom template')
    .option('--no-stream', 'Disable streaming stats and only pull the first result')
    .option('--no-trunc', 'Do not truncate output') as DockerCommand;
  cmd.action(async (refs: string[], flags: StatsFlags) => {
    const named = refs.length > 0;
    const containers = named
      ? refs
      : (await ctx.client.containers.list({ all: flags.all || undefined })).map((c) => (c.Id ?? '').slice(0, 12));
    const format = !flags.format || flags.format === 'table' ? DEFAULT_FORMAT : flags.format;
    const render = (rows: Record<string, string>[]): string =>
      renderList({
        format,
        rows: rows.map((r) => contextRow(r)),
        headers: HEADERS,
        typeName: '*formatter.statsContext',
      });
    if (!flags.stream) {
      const rows: Record<string, string>[] = [];
      const errors: string[] = [];
      for (const ref of containers) {
        try {
          const rec = await ctx.client.containers.stats(ref);
          rows.push(statsRow(ref, rec, !flags.trunc));
        } catch (err) {
          if (!(err instanceof ApiError)) throw err;
          errors.push(`Error response from daemon: ${err.message}`);
        }
      }
      if (errors.length) throw new CliExit(1, errors.join('\n'));
      ctx.out(render(rows));
      return;
    }
    await live(ctx, containers, render, !flags.trunc);
  });
  return cmd;
}

/** One stream per container, the latest record of each redrawn every second until interrupted. */
async function live(
  ctx: CliContext,
  containers: string[],
  render: (rows: Record<string, string>[]) => string,
  noTrunc: boolean,
): Promise<void> {
  const latest = new Map<string, StatsRecord | undefined>(containers.map((c) => [c, undefined]));
  const streams: IncomingMessage[] = [];
  const stop = new AbortController();
  process.once('SIGINT', () => stop.abort());
  for (const ref of containers) {
    const res = await ctx.client.containers.statsStream(ref, {}, { signal: stop.signal });
    streams.push(res);
    const lines = createInterface({ input: res });
    lines.on('line', (line) => {
      if (line.trim()) latest.set(ref, JSON.parse(line) as StatsRecord);
    });
    res.on('error', () => undefined);
  }
  if (ctx.stdout.isTTY) ctx.out('\x1b[2J');
  const draw = (): void => {
    const table = render(containers.map((c) => statsRow(c, latest.get(c), noTrunc)));
    ctx.out(
      `\x1b[H${table
        .split('\n')
        .slice(0, -1)
        .map((l) => `${l}\x1b[K\n`)
        .join('')}\x1b[J`,
    );
  };
  await new Promise<void>((resolve) => {
    const timer = setInterval(draw, 1000);
    stop.signal.addEventListener(
      'abort',
      () => {
        clearInterval(timer);
        resolve();
      },
      { once: true },
    );
    if (streams.length === 0) draw();
  });
  for (const s of streams) s.destroy();
}
