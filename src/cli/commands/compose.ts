// berth compose: multi-container applications from compose files (the Compose Specification), through the Engine
// API only, so it drives Docker's engine as it drives berthd. The project options sit on `compose`; each verb is
// its own file (compose-<verb>.ts).
import { PROGRAM, usageError, type DockerCommand } from '../command.js';
import type { CliContext } from '../context.js';
import { register as build } from './compose-build.js';
import { register as config } from './compose-config.js';
import { register as containerVerb } from './compose-container-verbs.js';
import { register as cp } from './compose-cp.js';
import { register as events } from './compose-events.js';
import { register as exec } from './compose-exec.js';
import { INFO_VERBS } from './compose-info-verbs.js';
import { register as ls, registerVersion as version } from './compose-ls.js';
import { registerPull as pull, registerPush as push } from './compose-registry-verbs.js';
import { register as run } from './compose-run.js';
import { register as down } from './compose-down.js';
import { register as logs } from './compose-logs.js';
import { register as ps } from './compose-ps.js';
import { register as rm } from './compose-rm.js';
import { register as start } from './compose-start.js';
import { register as stop } from './compose-stop.js';
import { register as up } from './compose-up.js';

const VERBS = {
  build,
  config,
  cp,
  down,
  events,
  exec,
  ...INFO_VERBS,
  kill: containerVerb,
  logs,
  ls,
  pause: containerVerb,
  ps,
  pull,
  push,
  restart: containerVerb,
  rm,
  run,
  start,
  stop,
  unpause: containerVerb,
  up,
  version,
};

export function register(parent: DockerCommand, ctx: CliContext, name: string): DockerCommand {
  const group = parent
    .command(name)
    .usage('[OPTIONS] COMMAND')
    .description('Define and run multi-container applications')
    .repeatable('-f, --file <string>', 'Compose configuration files')
    .option('-p, --project-name <string>', 'Project name')
    .option(
      '--project-directory <string>',
      'Specify an alternate working directory (default: the path of the first specified Compose file)',
    )
    .repeatable('--env-file <string>', 'Specify an alternate environment file')
    .repeatable('--profile <string>', 'Specify a profile to enable')
    .argument('[command...]')
    .enablePositionalOptions() as DockerCommand;
  group.errorUsage = '';
  for (const [verb, reg] of Object.entries(VERBS)) reg(group, ctx, verb);
  group.action((rest: string[]) => {
    if (rest.length) throw usageError(group, `${PROGRAM}: unknown command: ${PROGRAM} ${name} ${rest[0]}`, 1);
    ctx.out(group.helpInformation());
  });
  return group;
}
