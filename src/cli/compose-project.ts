// What every `berth compose` verb shares: the project options of `berth compose` (-f, -p, --project-directory,
// --env-file, --profile) turned into a loaded project, and progress lines on stderr as Compose v2 prints them.
import type { Readable } from 'node:stream';
import type { Command } from 'commander';
import { ComposeError } from '../compose/errors.js';
import { loadProject } from '../compose/load.js';
import type { Project } from '../compose/model.js';
import { progressLine, type Progress } from '../compose/progress.js';
import { clientVersion } from './client-info.js';
import { CliExit, type CliContext } from './context.js';

export interface ComposeOptions {
  file?: string[];
  projectName?: string;
  projectDirectory?: string;
  envFile?: string[];
  profile?: string[];
}

/** The options given to `berth compose` itself (the verb's parent command). */
export const composeOptions = (cmd: Command): ComposeOptions => cmd.parent?.opts<ComposeOptions>() ?? {};

/** The project the options describe; loader errors become the CLI's exit 1 with the loader's message. */
export function project(ctx: CliContext, cmd: Command): Project {
  const o = composeOptions(cmd);
  try {
    return loadProject({
      files: o.file ?? [],
      ...(o.projectName ? { projectName: o.projectName } : {}),
      ...(o.projectDirectory ? { projectDirectory: o.projectDirectory } : {}),
      ...(o.envFile ? { envFiles: o.envFile } : {}),
      ...(o.profile ? { profiles: o.profile } : {}),
      env: process.env,
      cwd: process.cwd(),
      warn: warnOn(ctx),
    });
  } catch (err) {
    throw composeExit(err);
  }
}

/** A ComposeError as the CLI's exit (1, its message); anything else as is. */
export function composeExit(err: unknown): unknown {
  return err instanceof ComposeError ? new CliExit(1, err.message) : err;
}

/** Warnings on stderr, in Compose v2's shape (logrus's). */
export const warnOn =
  (ctx: CliContext) =>
  (message: string): void =>
    void ctx.stderr.write(`WARN[0000] ${message}\n`);

/** Progress lines on stderr. */
export const progressOn =
  (ctx: CliContext): Progress =>
  (kind, name, status) =>
    void ctx.stderr.write(progressLine(kind, name, status));

/** berth compose's version, for com.docker.compose.version. */
export const composeVersion = (): string => clientVersion('').Version;

/** A BuildKit build's progress (a build with secrets) drawn on stderr as `berth build --progress` draws it. */
export const buildkitOn =
  (ctx: CliContext, quiet = false) =>
  async (reply: Readable): Promise<void> => {
    const { showBuildkitBuild } = await import('./buildkit-build-output.js');
    await showBuildkitBuild(ctx, reply, quiet ? 'quiet' : 'auto');
  };
