// The OCI process of a `docker exec`: the container's own process (from its config.json) with the exec's command,
// environment over the container's (TERM=xterm added with a TTY, as Docker does), user, working directory and,
// when privileged, every capability the host grants.
import type { OciProcess } from '../../spec/oci/runtime-spec.js';
import type { ExecRequest } from './runtime.js';
import type { ResolvedUser } from './user.js';

const envKey = (e: string): string => (e.includes('=') ? e.slice(0, e.indexOf('=')) : e);

export function mergeEnv(base: string[], over: string[]): string[] {
  const out = [...base];
  for (const e of over) {
    const i = out.findIndex((x) => envKey(x) === envKey(e));
    if (i >= 0) out[i] = e;
    else out.push(e);
  }
  return out;
}

export function execProcess(
  container: OciProcess,
  request: ExecRequest,
  user: ResolvedUser | undefined,
  allCapabilities: string[],
): OciProcess {
  let env = container.env ?? [];
  if (request.tty && !env.some((e) => envKey(e) === 'TERM')) env = [...env, 'TERM=xterm'];
  env = mergeEnv(env, request.env);
  const process: OciProcess = {
    ...container,
    terminal: request.tty,
    args: request.args,
    env,
    cwd: request.workingDir || container.cwd || '/',
  };
  if (user) {
    process.user = {
      uid: user.uid,
      gid: user.gid,
      ...(user.additionalGids.length ? { additionalGids: user.additionalGids } : {}),
    };
    // HOME follows the exec's user unless the exec or the container set it.
    if (!request.env.some((e) => envKey(e) === 'HOME'))
      process.env = mergeEnv(process.env ?? [], [`HOME=${user.home}`]);
  }
  if (request.privileged)
    process.capabilities = { bounding: allCapabilities, effective: allCapabilities, permitted: allCapabilities };
  if (request.tty && request.consoleSize) {
    process.consoleSize = { ...request.consoleSize };
  }
  return process;
}
