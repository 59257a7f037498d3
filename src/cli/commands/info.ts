// berth info / berth system info: the client section and the daemon's /info, in docker's layout.
import type { SystemInfo } from '../../client/engine-types.js';
import type { DockerCommand } from '../command.js';
import { requireArgs } from '../command.js';
import type { CliContext } from '../context.js';
import { clientVersion } from '../client-info.js';
import { compile, executeBare, parseFormat } from '../format/template.js';
import { bytesSize } from '../format/units.js';

type Info = SystemInfo & { SystemStatus?: [string, string][] | null; ProductLicense?: string };

function clientSection(version: string, debug: boolean): string {
  return `Client:\n Version:    ${version}\n Context:    default\n Debug Mode: ${debug}\n`;
}

/** "name=seccomp,profile=default" -> "  seccomp\n   Profile: default". */
function securityOptions(options: string[]): string {
  let out = '';
  for (const option of options) {
    const fields = Object.fromEntries(option.split(',').map((kv) => kv.split('=', 2) as [string, string]));
    out += `  ${fields.name ?? option}\n`;
    for (const [k, v] of Object.entries(fields))
      if (k !== 'name') out += `   ${k[0]?.toUpperCase()}${k.slice(1)}: ${v}\n`;
  }
  return out;
}

export function serverSection(info: Info): string {
  const lines: string[] = [];
  const add = (text: string): number => lines.push(text);
  add(`Server:`);
  add(` Containers: ${info.Containers}`);
  add(`  Running: ${info.ContainersRunning}`);
  add(`  Paused: ${info.ContainersPaused}`);
  add(`  Stopped: ${info.ContainersStopped}`);
  add(` Images: ${info.Images}`);
  add(` Server Version: ${info.ServerVersion}`);
  add(` Storage Driver: ${info.Driver}`);
  for (const [k, v] of info.DriverStatus ?? []) add(`  ${k}: ${v}`);
  for (const [k, v] of info.SystemStatus ?? []) add(` ${k}: ${v}`);
  add(` Logging Driver: ${info.LoggingDriver}`);
  add(` Cgroup Driver: ${info.CgroupDriver}`);
  if (info.CgroupVersion) add(` Cgroup Version: ${info.CgroupVersion}`);
  add(` Plugins:`);
  add(`  Volume: ${(info.Plugins?.Volume ?? []).join(' ')}`);
  add(`  Network: ${(info.Plugins?.Network ?? []).join(' ')}`);
  if (info.Plugins?.Authorization?.length) add(`  Authorization: ${info.Plugins.Authorization.join(' ')}`);
  add(`  Log: ${(info.Plugins?.Log ?? []).join(' ')}`);
  if (info.CDISpecDirs?.length) {
    add(` CDI spec directories:`);
    for (const dir of info.CDISpecDirs) add(`  ${dir}`);
  }
  add(` Swarm: ${info.Swarm?.LocalNodeState ?? 'inactive'}`);
  const runtimes = Object.keys(info.Runtimes ?? {}).sort();
  if (runtimes.length) add(` Runtimes: ${runtimes.join(' ')}`);
  add(` Default Runtime: ${info.DefaultRuntime}`);
  add(` Init Binary: ${info.InitBinary}`);
  const commit = (label: string, c: { ID?: string; Expected?: string } | undefined): void => {
    if (!c) return;
    add(` ${label} version: ${c.ID ?? ''}${c.Expected && c.Expected !== c.ID ? ` (expected: ${c.Expected})` : ''}`);
  };
  commit('containerd', info.ContainerdCommit);
  commit('runc', info.RuncCommit);
  commit('init', info.InitCommit);
  if (info.SecurityOptions?.length)
    add(` Security Options:\n${securityOptions(info.SecurityOptions).replace(/\n$/, '')}`);
  add(` Kernel Version: ${info.KernelVersion}`);
  add(` Operating System: ${info.OperatingSystem}`);
  add(` OSType: ${info.OSType}`);
  add(` Architecture: ${info.Architecture}`);
  add(` CPUs: ${info.NCPU}`);
  add(` Total Memory: ${bytesSize(info.MemTotal ?? 0)}`);
  add(` Name: ${info.Name}`);
  add(` ID: ${info.ID}`);
  add(` Docker Root Dir: ${info.DockerRootDir}`);
  add(` Debug Mode: ${info.Debug}`);
  if (info.Debug) {
    add(`  File Descriptors: ${info.NFd}`);
    add(`  Goroutines: ${info.NGoroutines}`);
    add(`  System Time: ${info.SystemTime}`);
    add(`  EventsListeners: ${info.NEventsListener}`);
  }
  if (info.HttpProxy) add(` HTTP Proxy: ${info.HttpProxy}`);
  if (info.HttpsProxy) add(` HTTPS Proxy: ${info.HttpsProxy}`);
  if (info.NoProxy) add(` No Proxy: ${info.NoProxy}`);
  if (info.Labels?.length) {
    add(` Labels:`);
    for (const l of info.Labels) add(`  ${l}`);
  }
  add(` Experimental: ${info.ExperimentalBuild}`);
  const reg = info.RegistryConfig;
  if (reg) {
    const insecure = [
      ...Object.values(reg.IndexConfigs ?? {}).flatMap((i) => (i && !i.Secure ? [i.Name ?? ''] : [])),
      ...(reg.InsecureRegistryCIDRs ?? []),
    ];
    if (insecure.length) {
      add(` Insecure Registries:`);
      for (const r of insecure) add(`  ${r}`);
    }
    if (reg.Mirrors?.length) {
      add(` Registry Mirrors:`);
      for (const m of reg.Mirrors) add(`  ${m}`);
    }
  }
  add(` Live Restore Enabled: ${info.LiveRestoreEnabled}`);
  if (info.ProductLicense) add(` Product License: ${info.ProductLicense}`);
  if (info.DefaultAddressPools?.length) {
    add(` Default Address Pools:`);
    for (const p of info.DefaultAddressPools) add(`   Base: ${p.Base}, Size: ${p.Size}`);
  }
  return `${lines.join('\n')}\n\n`;
}

export function register(parent: DockerCommand, ctx: CliContext, name: string): DockerCommand {
  const cmd = parent
    .command(name)
    .usage('[OPTIONS]')
    .description('Display system-wide information')
    .argument('[args...]')
    .option('-f, --format <string>', 'Format output using a custom template') as DockerCommand;
  cmd.action(async (args: string[], opts: { format?: string }, command: DockerCommand) => {
    requireArgs(cmd, args, { max: 0 });
    const debug =
      command.parent?.parent?.opts<{ debug?: boolean }>().debug === true ||
      command.parent?.opts<{ debug?: boolean }>().debug === true;
    const template = opts.format
      ? compile(
          parseFormat(opts.format).text,
          { missingRootField: (n) => `can't evaluate field ${n} in type system.dockerInfo` },
          64,
        )
      : undefined;
    const client = clientVersion('');
    if (!template) ctx.out(`${clientSection(client.Version, debug)}\n`);
    const info = await await ctx.client.system.info();
    if (template) {
      const { ApiVersion: _api, ...clientFields } = client;
      const data = { ...info, ClientInfo: { Debug: debug, ...clientFields, Plugins: [], Warnings: null } };
      ctx.out(`${executeBare(template, data)}\n`);
      return;
    }
    ctx.out(serverSection(info));
    for (const warning of info.Warnings ?? []) ctx.stderr.write(`${warning}\n`);
  });
  return cmd;
}
