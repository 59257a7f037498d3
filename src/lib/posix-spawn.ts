// Launching a process without forking the daemon: glibc's posix_spawn (clone with CLONE_VM|CLONE_VFORK, then exec)
// called through koffi on a thread-pool thread. Node's child_process forks (libuv's uv_spawn), which copies the
// page tables of a ~100-150 MB daemon and holds the event loop until the child has exec'd: 20-130 ms a launch on
// this 2-core machine under load, against 2-25 ms for posix_spawn, during which the event loop goes on. The
// child gets what uv_spawn gives it: the fds asked for at 0..n (all others closed), default signal dispositions
// and an empty signal mask (the daemon ignores SIGPIPE), a working directory, an environment, optionally its own
// session. Nothing reaps it but lib/child-exit.ts (libuv waits only for its own children). Where the C library cannot be
// called, every call answers 'unavailable' and the caller spawns through Node.
import { callAsync, lazyCLibraryCalls, type AsyncCall } from './libc.js';

type Fn<A extends unknown[]> = ((...args: A) => number) & AsyncCall<A>;

interface SpawnCalls {
  posixSpawn: AsyncCall<[Int32Array, string, Buffer, Buffer, (string | null)[], (string | null)[]]>;
  fileActionsInit: Fn<[Buffer]>;
  fileActionsDestroy: Fn<[Buffer]>;
  addDup2: Fn<[Buffer, number, number]>;
  addOpen: Fn<[Buffer, number, string, number, number]>;
  addChdir: Fn<[Buffer, string]>;
  addClosefrom: Fn<[Buffer, number]>;
  attrInit: Fn<[Buffer]>;
  attrDestroy: Fn<[Buffer]>;
  attrSetflags: Fn<[Buffer, number]>;
  attrSetsigdefault: Fn<[Buffer, Buffer]>;
  attrSetsigmask: Fn<[Buffer, Buffer]>;
  sigemptyset: Fn<[Buffer]>;
  pipe2: Fn<[Int32Array, number]>;
}

// glibc's x86-64/aarch64 sizes, rounded up: the structures are opaque and only ever passed by pointer.
const FILE_ACTIONS_BYTES = 128;
const ATTR_BYTES = 512;
const SIGSET_BYTES = 128;
const POSIX_SPAWN_SETPGROUP = 0x02;
const POSIX_SPAWN_SETSIGDEF = 0x04;
const POSIX_SPAWN_SETSIGMASK = 0x08;
const POSIX_SPAWN_SETSID = 0x80;
const O_RDWR = 0x2;
const O_CLOEXEC = 0x80000;

// Declared on first use; null where the C library or one of these declarations cannot be loaded.
const libc = lazyCLibraryCalls<SpawnCalls>((lib) => {
  const f = <T>(signature: string): T => lib.func(signature) as T;
  return {
    posixSpawn: f(
      'int posix_spawn(void *pid, const char *path, void *actions, void *attr, const char **argv, const char **envp)',
    ),
    fileActionsInit: f('int posix_spawn_file_actions_init(void *actions)'),
    fileActionsDestroy: f('int posix_spawn_file_actions_destroy(void *actions)'),
    addDup2: f('int posix_spawn_file_actions_adddup2(void *actions, int fd, int newfd)'),
    addOpen: f('int posix_spawn_file_actions_addopen(void *actions, int fd, const char *path, int flags, int mode)'),
    // glibc 2.29 and 2.34: where missing, the lookup throws and launches go through Node.
    addChdir: f('int posix_spawn_file_actions_addchdir_np(void *actions, const char *path)'),
    addClosefrom: f('int posix_spawn_file_actions_addclosefrom_np(void *actions, int from)'),
    attrInit: f('int posix_spawnattr_init(void *attr)'),
    attrDestroy: f('int posix_spawnattr_destroy(void *attr)'),
    attrSetflags: f('int posix_spawnattr_setflags(void *attr, short flags)'),
    attrSetsigdefault: f('int posix_spawnattr_setsigdefault(void *attr, void *set)'),
    attrSetsigmask: f('int posix_spawnattr_setsigmask(void *attr, void *set)'),
    sigemptyset: f('int sigemptyset(void *set)'),
    pipe2: f('int pipe2(void *fds, int flags)'),
  };
});

export interface NoForkSpawnOptions {
  /** The child's fd i is the daemon's fd stdio[i], or /dev/null for 'null'. */
  stdio: (number | 'null')[];
  cwd?: string;
  env: NodeJS.ProcessEnv;
  /** Its own session (setsid), as Node's `detached`. */
  setsid?: boolean;
  /** Its own process group (setpgid(0, 0)) in the daemon's session. */
  processGroup?: boolean;
}

/** An error as Node's spawn reports it (code ENOENT, EACCES, ...). */
function spawnError(path: string, errno: number): Error {
  const codes: Record<number, string> = { 2: 'ENOENT', 13: 'EACCES', 8: 'ENOEXEC', 20: 'ENOTDIR' };
  const code = codes[errno] ?? `errno ${errno}`;
  return Object.assign(new Error(`spawn ${path} ${code}`), { code, errno: -errno, path });
}

/** Launches `path` with `args`; resolves its pid, or 'unavailable' where posix_spawn cannot be called. */
export async function spawnNoFork(
  path: string,
  args: string[],
  options: NoForkSpawnOptions,
): Promise<number | 'unavailable'> {
  const lib = libc();
  if (!lib) return 'unavailable';
  const actions = Buffer.alloc(FILE_ACTIONS_BYTES);
  const attr = Buffer.alloc(ATTR_BYTES);
  // Every bit set, not sigfillset: that one leaves out glibc's internal signals (32, 33), which posix_spawn then
  // sets to SIG_IGN in the child, an ignore that exec keeps (it reached container processes through conmon and
  // runc). In this set they go back to SIG_DFL, as with uv_spawn.
  const all = Buffer.alloc(SIGSET_BYTES, 0xff);
  const none = Buffer.alloc(SIGSET_BYTES);
  lib.fileActionsInit(actions);
  lib.attrInit(attr);
  try {
    // Each fd first to a number above every source, then into place: a source may sit where another is going
    // (a pipe's end at 4 while 3 is being filled), and file actions run one after the other.
    const above = Math.max(options.stdio.length, ...options.stdio.map((fd) => (fd === 'null' ? 0 : fd))) + 1;
    options.stdio.forEach((fd, i) => fd !== 'null' && lib.addDup2(actions, fd, above + i));
    options.stdio.forEach((fd, i) =>
      fd === 'null' ? lib.addOpen(actions, i, '/dev/null', O_RDWR, 0) : lib.addDup2(actions, above + i, i),
    );
    lib.addClosefrom(actions, options.stdio.length);
    if (options.cwd) lib.addChdir(actions, options.cwd);
    lib.sigemptyset(none);
    lib.attrSetsigdefault(attr, all);
    lib.attrSetsigmask(attr, none);
    lib.attrSetflags(
      attr,
      POSIX_SPAWN_SETSIGDEF |
        POSIX_SPAWN_SETSIGMASK |
        (options.setsid ? POSIX_SPAWN_SETSID : 0) |
        (options.processGroup && !options.setsid ? POSIX_SPAWN_SETPGROUP : 0),
    );
    const env = Object.entries(options.env)
      .filter((e): e is [string, string] => e[1] !== undefined)
      .map(([k, v]) => `${k}=${v}`);
    const pid = new Int32Array(1);
    const errno = await callAsync(lib.posixSpawn, pid, path, actions, attr, [path, ...args, null], [...env, null]);
    if (errno !== 0) throw spawnError(path, errno);
    return pid[0]!;
  } finally {
    lib.fileActionsDestroy(actions);
    lib.attrDestroy(attr);
  }
}

/** A pipe, both ends close-on-exec: [read, write]; 'unavailable' as spawnNoFork. */
export function pipeNoFork(): [number, number] | 'unavailable' {
  const lib = libc();
  if (!lib) return 'unavailable';
  const fds = new Int32Array(2);
  if (lib.pipe2(fds, O_CLOEXEC) !== 0) throw new Error('pipe2 failed');
  return [fds[0]!, fds[1]!];
}
