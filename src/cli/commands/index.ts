// Registers the verbs. Each verb is a module loaded only when it is the one being run (fast start-up);
// `berth --help` and unknown verbs load them all. One entry per command file.
import type { CliContext } from '../context.js';
import { PROGRAM, usageError, type DockerCommand } from '../command.js';
import { subVerb } from '../argv.js';

/** A verb module's entry point: adds the command to `parent` under `name`. */
export type Register = (parent: DockerCommand, ctx: CliContext, name: string) => DockerCommand;
type Loader = () => Promise<{ register: Register }>;

const images: Loader = () => import('./images.js');
const rmi: Loader = () => import('./rmi.js');
const history: Loader = () => import('./history.js');
const tag: Loader = () => import('./tag.js');
const load: Loader = () => import('./load.js');
const save: Loader = () => import('./save.js');
const imports: Loader = () => import('./import.js');
const info: Loader = () => import('./info.js');
const run: Loader = () => import('./run.js');
const create: Loader = () => import('./create.js');
const ps: Loader = () => import('./ps.js');
const logs: Loader = () => import('./logs.js');
const start: Loader = () => import('./start.js');
const stop: Loader = () => import('./stop.js');
const restart: Loader = () => import('./restart.js');
const kill: Loader = () => import('./kill.js');
const rm: Loader = () => import('./rm.js');
const wait: Loader = () => import('./wait.js');
const rename: Loader = () => import('./rename.js');
const events: Loader = () => import('./events.js');
const cp: Loader = () => import('./cp.js');
const top: Loader = () => import('./top.js');
const stats: Loader = () => import('./stats.js');
const pause: Loader = () => import('./pause.js');
const commit: Loader = () => import('./commit.js');
const diff: Loader = () => import('./diff.js');
const exportVerb: Loader = () => import('./export.js');
const update: Loader = () => import('./update.js');
const port: Loader = () => import('./port.js');
const exec: Loader = () => import('./exec.js');
const pull: Loader = () => import('./pull.js');
const push: Loader = () => import('./push.js');
const build: Loader = () => import('./build.js');
const attach: Loader = () => import('./attach.js');

/** `berth container ...`. */
const CONTAINER_VERBS: Record<string, Loader> = {
  attach,
  create,
  exec,
  inspect: () => import('./inspect.js'),
  kill,
  logs,
  ls: ps,
  prune: () => import('./container-prune.js'),
  rename,
  restart,
  rm,
  run,
  start,
  stop,
  wait,
  commit,
  cp,
  diff,
  export: exportVerb,
  pause,
  port,
  stats,
  top,
  unpause: pause,
  update,
};

/** `berth image ...`: docker's image management command. */
const IMAGE_VERBS: Record<string, Loader> = {
  build,
  history,
  import: imports,
  inspect: () => import('./image-inspect.js'),
  load,
  ls: images,
  prune: () => import('./image-prune.js'),
  pull,
  push,
  rm: rmi,
  save,
  tag,
};
const IMAGE_ALIASES: Record<string, string> = { list: 'ls', remove: 'rm' };

/** `berth system ...`. */
const SYSTEM_VERBS: Record<string, Loader> = { df: () => import('./system-df.js'), info };

/** `berth registry ...`: berth's own OCI registry server. */
const REGISTRY_VERBS: Record<string, Loader> = { serve: () => import('./registry-serve.js') };

/** `berth rootless ...`: what a rootless berthd needs from this host. */
const ROOTLESS_VERBS: Record<string, Loader> = {
  check: () => import('./rootless-check.js'),
  stop: () => import('./rootless-stop.js'),
};

/** `berth builder ...`. */
const BUILDER_VERBS: Record<string, Loader> = { build, prune: () => import('./builder-prune.js') };

/** `berth volume ...`. */
const VOLUME_VERBS: Record<string, Loader> = {
  create: () => import('./volume-create.js'),
  inspect: () => import('./volume-inspect.js'),
  ls: () => import('./volume-ls.js'),
  prune: () => import('./volume-prune.js'),
  rm: () => import('./volume-rm.js'),
};

/** `berth network ...`. */
const NETWORK_VERBS: Record<string, Loader> = {
  connect: () => import('./network-connect.js'),
  create: () => import('./network-create.js'),
  disconnect: () => import('./network-disconnect.js'),
  inspect: () => import('./network-inspect.js'),
  ls: () => import('./network-ls.js'),
  prune: () => import('./network-prune.js'),
  rm: () => import('./network-rm.js'),
};

const GROUPS: Record<string, { description: string; verbs: Record<string, Loader>; aliases: Record<string, string> }> =
  {
    network: { description: 'Manage networks', verbs: NETWORK_VERBS, aliases: { list: 'ls', remove: 'rm' } },
    image: { description: 'Manage images', verbs: IMAGE_VERBS, aliases: IMAGE_ALIASES },
    builder: { description: 'Manage builds', verbs: BUILDER_VERBS, aliases: {} },
    system: { description: 'Manage Docker', verbs: SYSTEM_VERBS, aliases: {} },
    container: {
      description: 'Manage containers',
      verbs: CONTAINER_VERBS,
      aliases: { list: 'ls', ps: 'ls', remove: 'rm' },
    },
    registry: { description: "Run berth's OCI registry server", verbs: REGISTRY_VERBS, aliases: {} },
    rootless: { description: 'Check what a rootless berthd needs, stop it', verbs: ROOTLESS_VERBS, aliases: {} },
    volume: { description: 'Manage volumes', verbs: VOLUME_VERBS, aliases: { list: 'ls', remove: 'rm' } },
  };

const TOP_VERBS: Record<string, Loader> = {
  build,
  history,
  images,
  import: imports,
  info,
  inspect: () => import('./inspect.js'),
  load,
  rmi,
  save,
  tag,
  version: () => import('./version.js'),
  compose: () => import('./compose.js'),
  attach,
  create,
  events,
  exec,
  kill,
  logs,
  ps,
  rename,
  restart,
  rm,
  run,
  start,
  stop,
  wait,
  commit,
  cp,
  diff,
  export: exportVerb,
  pause,
  port,
  stats,
  top,
  unpause: pause,
  update,
  pull,
  push,
  login: () => import('./login.js'),
  logout: () => import('./logout.js'),
};

/** Registers the verb named `verb` (or every verb when it is not known) on the program. */
export async function registerCommands(
  program: DockerCommand,
  ctx: CliContext,
  verb: string | undefined,
  args: string[],
): Promise<void> {
  const known = verb !== undefined && (verb in TOP_VERBS || verb in GROUPS);
  for (const name of [...Object.keys(TOP_VERBS), ...Object.keys(GROUPS)].sort()) {
    if (known && name !== verb) continue;
    const group = GROUPS[name];
    if (group) await registerGroup(program, ctx, name, group, known ? subVerb(args) : undefined);
    else (await (TOP_VERBS[name] as Loader)()).register(program, ctx, name);
  }
}

/** A management command: registers just the subcommand being run when it is known; bare, prints help. */
async function registerGroup(
  program: DockerCommand,
  ctx: CliContext,
  name: string,
  spec: (typeof GROUPS)[string],
  sub: string | undefined,
): Promise<void> {
  const group = program
    .command(name)
    .usage('COMMAND')
    .description(spec.description)
    .argument('[command...]') as DockerCommand;
  group.errorUsage = '';
  const resolved = sub && (spec.verbs[sub] ? sub : spec.aliases[sub]);
  for (const verb of resolved ? [resolved] : Object.keys(spec.verbs)) {
    const cmd = (await (spec.verbs[verb] as Loader)()).register(group, ctx, verb);
    for (const [alias, target] of Object.entries(spec.aliases)) if (target === verb) cmd.alias(alias);
  }
  group.action((rest: string[]) => {
    if (rest.length) throw usageError(group, `${PROGRAM}: unknown command: ${PROGRAM} ${name} ${rest[0]}`, 1);
    ctx.out(group.helpInformation());
  });
}
