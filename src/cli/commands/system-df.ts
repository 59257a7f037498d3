// berth system df: disk usage by images, containers, volumes and build cache, as docker prints it.
import type { DockerCommand } from '../command.js';
import { requireArgs } from '../command.js';
import type { CliContext } from '../context.js';
import { contextRow, renderList } from '../format/list.js';
import { imageRows, isDangling, shortId } from '../format/image-rows.js';
import { tabwrite } from '../format/tabwriter.js';
import { createdSince, humanSize } from '../format/units.js';
import { ellipsis } from './history.js';
import type { SystemDiskUsage } from '../../client/engine-types.js';

const SUMMARY = 'table {{.Type}}\t{{.TotalCount}}\t{{.Active}}\t{{.Size}}\t{{.Reclaimable}}';
const HEADERS = { Type: 'TYPE', TotalCount: 'TOTAL', Active: 'ACTIVE', Size: 'SIZE', Reclaimable: 'RECLAIMABLE' };

const withPercent = (reclaimable: number, total: number): string =>
  total > 0 ? `${humanSize(reclaimable)} (${Math.trunc((reclaimable * 100) / total)}%)` : humanSize(reclaimable);

export function summaryRows(df: SystemDiskUsage): Record<string, unknown>[] {
  const images = df.Images ?? [];
  const containers = df.Containers ?? [];
  const volumes = df.Volumes ?? [];
  const cache = df.BuildCache ?? [];
  const layers = df.LayersSize ?? 0;
  let used = 0;
  for (const i of images) if (i.Containers > 0 && i.SharedSize !== -1 && i.Size !== -1) used += i.Size - i.SharedSize;
  const ctrSize = containers.reduce((n, c) => n + (c.SizeRw ?? 0), 0);
  const ctrReclaim = containers.reduce((n, c) => n + (c.State !== 'running' ? (c.SizeRw ?? 0) : 0), 0);
  const volSize = volumes.reduce((n, v) => n + (v.UsageData && v.UsageData.Size !== -1 ? v.UsageData.Size : 0), 0);
  const volReclaim = volumes.reduce(
    (n, v) => n + (v.UsageData && v.UsageData.Size !== -1 && v.UsageData.RefCount === 0 ? v.UsageData.Size : 0),
    0,
  );
  const cacheSize = cache.reduce((n, b) => n + (b.Shared ? 0 : (b.Size ?? 0)), 0);
  const cacheReclaim = cache.reduce((n, b) => n + (b.Shared || b.InUse ? 0 : (b.Size ?? 0)), 0);
  return [
    {
      Type: 'Images',
      TotalCount: String(images.length),
      Active: String(images.filter((i) => i.Containers > 0).length),
      Size: humanSize(layers),
      Reclaimable: withPercent(layers - used, layers),
    },
    {
      Type: 'Containers',
      TotalCount: String(containers.length),
      Active: String(containers.filter((c) => c.State === 'running').length),
      Size: humanSize(ctrSize),
      Reclaimable: withPercent(ctrReclaim, ctrSize),
    },
    {
      Type: 'Local Volumes',
      TotalCount: String(volumes.length),
      Active: String(volumes.filter((v) => (v.UsageData?.RefCount ?? 0) > 0).length),
      Size: humanSize(volSize),
      Reclaimable: withPercent(volReclaim, volSize),
    },
    {
      Type: 'Build Cache',
      TotalCount: String(cache.length),
      Active: String(cache.filter((b) => b.InUse).length),
      Size: humanSize(cacheSize),
      Reclaimable: humanSize(cacheReclaim),
    },
  ].map(contextRow);
}

function verbose(df: SystemDiskUsage): string {
  const now = Date.now();
  let out = 'Images space usage:\n\nREPOSITORY\tTAG\tIMAGE ID\tCREATED\tSIZE\tSHARED SIZE\tUNIQUE SIZE\tCONTAINERS\n';
  for (const img of df.Images ?? []) {
    // Only the first tag of each image, as docker shows it.
    const first = isDangling(img)
      ? img
      : {
          ...img,
          RepoTags: (img.RepoTags ?? []).slice(0, 1),
          RepoDigests: (img.RepoTags ?? []).length ? [] : img.RepoDigests,
        };
    const row = imageRows([first], { truncate: true, digests: false, now })[0];
    if (!row) continue;
    out += `${[row.Repository, row.Tag, row.ID, row.CreatedSince, row.Size, row.SharedSize, row.UniqueSize, img.Containers < 0 ? 'N/A' : String(img.Containers)].join('\t')}\n`;
  }
  out += '\nContainers space usage:\n\nCONTAINER ID\tIMAGE\tCOMMAND\tLOCAL VOLUMES\tSIZE\tCREATED\tSTATUS\tNAMES\n';
  for (const c of df.Containers ?? []) {
    const volumes = (c.Mounts ?? []).filter((m) => m.Type === 'volume').length;
    const command = `"${ellipsis(c.Command ?? '', 20)}"`;
    out += `${[shortId(c.Id ?? ''), c.Image, command, String(volumes), humanSize(c.SizeRw ?? 0), createdSince(c.Created ?? 0, now), c.Status, (c.Names?.[0] ?? '').replace(/^\//, '')].join('\t')}\n`;
  }
  out += '\nLocal Volumes space usage:\n\nVOLUME NAME\tLINKS\tSIZE\n';
  for (const v of df.Volumes ?? []) {
    const size = v.UsageData && v.UsageData.Size !== -1 ? humanSize(v.UsageData.Size) : 'N/A';
    out += `${[v.Name, String(v.UsageData?.RefCount ?? 0), size].join('\t')}\n`;
  }
  const cache = df.BuildCache ?? [];
  out += `\nBuild cache usage: ${humanSize(cache.reduce((n, b) => n + (b.Size ?? 0), 0))}\n\nCACHE ID\tCACHE TYPE\tSIZE\tCREATED\tLAST USED\tUSAGE\tSHARED\n`;
  for (const b of cache) {
    const lastUsed = b.LastUsedAt ? createdSince(Date.parse(b.LastUsedAt) / 1000, now) : '';
    out += `${[(b.ID ?? '').slice(0, 12), b.Type, humanSize(b.Size ?? 0), createdSince(Date.parse(b.CreatedAt ?? '') / 1000, now), lastUsed, String(b.UsageCount), String(b.Shared)].join('\t')}\n`;
  }
  return tabwrite(out);
}

export function register(parent: DockerCommand, ctx: CliContext, name: string): DockerCommand {
  const cmd = parent
    .command(name)
    .usage('[OPTIONS]')
    .description('Show docker disk usage')
    .argument('[args...]')
    .option('--format <string>', 'Format output using a custom template')
    .option('-v, --verbose', 'Show detailed information on space usage') as DockerCommand;
  cmd.action(async (args: string[], opts: { format?: string; verbose?: boolean }) => {
    requireArgs(cmd, args, { max: 0 });
    const df = await ctx.client.system.df();
    if (opts.verbose && !opts.format) {
      ctx.out(verbose(df));
      return;
    }
    const format = !opts.format || opts.format === 'table' ? SUMMARY : opts.format;
    ctx.out(
      renderList({ format, rows: summaryRows(df), headers: HEADERS, typeName: '*formatter.diskUsageImagesContext' }),
    );
  });
  return cmd;
}
