// One more process in a running container (docker exec): the OCI process built from the container's own spec and
// the request (user resolved in the container's /etc/passwd and /etc/group), run under its own conmon when it has a
// TTY or a stdin (conmon-exec.ts) and by runc as the daemon's child otherwise (plain-exec.ts); its state dir
// `execs/<exec id>/` goes once its code is known (after it is handed on).
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { invalidArgument } from '../../core/errdefs.js';
import type { ExecProcess, ExecRequest, IoOptions } from '../../core/runtime/runtime.js';
import { execProcess } from '../../core/runtime/exec-process.js';
import { resolveUser } from '../../core/runtime/user.js';
import { effectiveCapabilities } from '../../core/runtime/capabilities.js';
import type { OciProcess } from '../../spec/oci/runtime-spec.js';
import { readInRoot } from './bundle.js';
import { startConmonExec } from './conmon-exec.js';
import { startPlainExec } from './plain-exec.js';
import type { ContainerMeta } from './container-state.js';
import type { RuntimeBinary } from './runtime-config.js';
import { phase } from '../../lib/phases.js';

export interface ExecTarget {
  id: string;
  meta: ContainerMeta;
  /** The container's OCI process, as its config.json has it. */
  process: OciProcess;
  /** The container's state dir. */
  dir: string;
  runtime: RuntimeBinary;
}

export interface ExecEnvironment {
  conmonPath: string;
  runcRoot: string;
  /** Every capability the host has: an exec's privileged set. */
  hostCapabilities: string[] | undefined;
}

export async function execInContainer(
  env: ExecEnvironment,
  target: ExecTarget,
  request: ExecRequest,
  options: IoOptions = {},
): Promise<ExecProcess> {
  const { id, meta } = target;
  if (!/^[0-9a-f]{8,64}$/.test(request.execId)) throw invalidArgument(`invalid exec id ${request.execId}`);
  let user;
  if (request.user) {
    const [passwd, group] = await Promise.all([
      readInRoot(meta.rootfs, '/etc/passwd'),
      readInRoot(meta.rootfs, '/etc/group'),
    ]);
    user = resolveUser(request.user, passwd, group);
  }
  const allCaps = effectiveCapabilities([], [], true, env.hostCapabilities);
  const execDir = join(target.dir, 'execs', request.execId);
  await mkdir(execDir, { recursive: true, mode: 0o700 });
  const processSpecPath = join(execDir, 'process.json');
  await writeFile(processSpecPath, JSON.stringify(execProcess(target.process, request, user, allCaps)));
  phase('process-spec');
  try {
    const runc = {
      runcPath: target.runtime.path,
      runtimeArgs: target.runtime.args,
      runcRoot: env.runcRoot,
      containerId: id,
      execDir,
      processSpecPath,
    };
    // A TTY or a stdin needs conmon (it owns the terminal and the attach socket); anything else runs as a child.
    const proc =
      request.tty || request.stdin
        ? await startConmonExec(
            { ...runc, conmonPath: env.conmonPath, execId: request.execId, tty: request.tty, stdin: request.stdin },
            options,
          )
        : await startPlainExec(runc, options);
    // The exec's state goes once its code is known, behind the code: the caller (the exec's stream, its inspect)
    // does not wait for the removal. A removal that fails leaves a dir that goes with the container's state dir.
    void proc.exit.finally(() => rm(execDir, { recursive: true, force: true })).catch(() => undefined);
    return proc;
  } catch (err) {
    await rm(execDir, { recursive: true, force: true });
    throw err;
  }
}
