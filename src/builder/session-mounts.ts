// RUN --mount=type=secret and type=ssh: what the client's session shares, mounted into one RUN only. A secret is
// a file of its own (mode, uid, gid as asked) bound read-only on the target; an ssh agent is a unix socket that
// forwards to the client's agent, SSH_AUTH_SOCK naming the first. Neither is part of the step's cache key beyond
// its id and target, and the empty stub runc makes for the mount point is removed before the layer is taken
// (clearMountStubs, for every RUN mount of a file), so nothing of them lands in the image (directories made for
// the target stay, as in Docker 20.10's BuildKit).
import { chmod, chown, lstat, mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import type { RunMount } from './dockerfile/instructions.js';
import type { BuildSession, Missing } from './ports.js';

export interface SessionMounts {
  binds: string[];
  /** SSH_AUTH_SOCK=… for the first ssh mount. */
  env: string[];
  /** The mount points, to clear from the upper dir once the RUN is done. */
  targets: string[];
  release(): Promise<void>;
}

const isMissing = (v: unknown): v is Missing => typeof v === 'object' && v !== null && 'missing' in v;

/** The session mounts' part of the step's cache key. */
export function sessionMountKeys(mounts: RunMount[]): unknown[] {
  return mounts
    .filter((m) => m.type === 'secret' || m.type === 'ssh')
    .map((m) => [m.type, m.id, m.target, m.mode, m.uid, m.gid, m.required]);
}

/** The ssh mounts' targets: BuildKit numbers those without one /run/buildkit/ssh_agent.<n> by their order. */
function sshTarget(m: RunMount, n: number): string {
  return m.target || `/run/buildkit/ssh_agent.${n}`;
}

export async function prepareSessionMounts(
  mounts: RunMount[],
  session: BuildSession | undefined,
  workDir: string,
  options: { signal?: AbortSignal; hasSshAuthSock: boolean },
): Promise<SessionMounts> {
  const wanted = mounts.filter((m) => m.type === 'secret' || m.type === 'ssh');
  const out: SessionMounts = { binds: [], env: [], targets: [], release: async () => undefined };
  if (wanted.length === 0) return out;
  const dir = await mkdtemp(join(workDir, 'session-'));
  await chmod(dir, 0o711);
  const closers: (() => Promise<void>)[] = [];
  out.release = async () => {
    for (const close of closers) await close().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    let sshCount = 0;
    for (const [n, m] of wanted.entries()) {
      const id = m.id as string;
      if (m.type === 'secret') {
        const data = session
          ? await session.secret(id, { signal: options.signal })
          : { missing: `secret ${id}: not found` };
        if (isMissing(data)) {
          if (m.required) throw new Error(data.missing);
          continue;
        }
        const file = join(dir, `secret-${n}`);
        await writeFile(file, data, { mode: 0o600 });
        await chown(file, m.uid ?? 0, m.gid ?? 0);
        await chmod(file, m.mode ?? 0o400);
        out.binds.push(`${file}:${m.target}:ro`);
        out.targets.push(m.target);
        continue;
      }
      const target = sshTarget(m, sshCount++);
      if (sshCount === 1 && !options.hasSshAuthSock) out.env.push(`SSH_AUTH_SOCK=${target}`);
      const socket = join(dir, `ssh-${n}.sock`);
      const agent = session
        ? await session.sshAgent(id, socket, { signal: options.signal })
        : { missing: `no SSH key "${id}" forwarded from the client` };
      if (isMissing(agent)) {
        if (m.required) throw new Error(agent.missing);
        continue;
      }
      closers.push(() => agent.close());
      await chown(socket, m.uid ?? 0, m.gid ?? 0);
      await chmod(socket, m.mode ?? 0o600);
      out.binds.push(`${socket}:${target}`);
      out.targets.push(target);
    }
    return out;
  } catch (err) {
    await out.release();
    throw err;
  }
}

/** Whether every parent of rel inside root is a real directory (no symlink leads the unlink elsewhere). */
async function plainPath(root: string, rel: string): Promise<boolean> {
  const parts = rel.split('/');
  for (let i = 1; i < parts.length; i++) {
    const st = await lstat(join(root, ...parts.slice(0, i))).catch(() => undefined);
    if (!st?.isDirectory()) return false;
  }
  return true;
}

/** Removes the empty files runc made as mount points in the upper dir (not those the image already had). */
export async function clearMountStubs(upper: string, lowers: string[], targets: string[]): Promise<void> {
  for (const target of targets) {
    const rel = posix.normalize(`/${target}`).slice(1);
    if (!rel || !(await plainPath(upper, rel))) continue;
    const st = await lstat(join(upper, rel)).catch(() => undefined);
    if (!st || !(st.isFile() && st.size === 0)) continue;
    const inLower = await Promise.all(
      lowers.map((l) =>
        lstat(join(l, rel)).then(
          () => true,
          () => false,
        ),
      ),
    );
    if (!inLower.includes(true)) await unlink(join(upper, rel));
  }
}
