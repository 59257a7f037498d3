// The runc/conmon runtime against the real tools: a rootfs of busybox-static plus applet links, no image store.
// Proves output in the log, exit codes, signals, re-attach by a new driver instance, Docker's security defaults
// in force, limits in the cgroup, and that delete leaves no process, cgroup, conmon or mount behind.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile, copyFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import os from 'node:os';
import { join } from 'node:path';
import { isRoot } from '../helpers/daemon.js';
import { silentLogger } from '../../src/lib/logger.js';
import { ConmonRuntime } from '../../src/drivers/runtime-runc/conmon-runtime.js';
import type { ContainerRecord } from '../../src/core/containers/container-record.js';
import type { PlannedMount } from '../../src/core/containers/mount-specs.js';
import type { ContainerConfig, HostConfig } from '../../src/spec/docker/containers.js';
import type { LogEntry } from '../../src/core/runtime/runtime.js';
import { containerCgroupDir, hostCgroupVersion, readContainerCgroup } from '../helpers/cgroup.js';

const skip = !isRoot() || !existsSync('/bin/busybox') ? 'needs root and busybox-static' : false;
const which = (tool: string): string | undefined => {
  try {
    return execFileSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
};

let root = '';
let rootfs = '';
let counter = 0;
const hostHardNofile = Number(execFileSync('sh', ['-c', 'ulimit -Hn'], { encoding: 'utf8' }).trim());

function newRuntime(): ConmonRuntime {
  return new ConmonRuntime(
    {
      stateRoot: join(root, 'state'),
      runcPath: which('runc') ?? 'runc',
      conmonPath: which('conmon') ?? 'conmon',
      initPath: which('catatonit') ?? which('tini'),
    },
    {
      goArch: 'amd64',
      kernel: os.release(),
      cgroupVersion: existsSync('/sys/fs/cgroup/cgroup.controllers') ? '2' : '1',
      hardLimits: { RLIMIT_NOFILE: hostHardNofile },
    },
    silentLogger(),
  );
}

async function makeRootfs(dir: string): Promise<void> {
  for (const d of ['bin', 'etc', 'proc', 'sys', 'dev', 'tmp', 'root']) await mkdir(join(dir, d), { recursive: true });
  await copyFile('/bin/busybox', join(dir, 'bin/busybox'));
  await chmod(join(dir, 'bin/busybox'), 0o755);
  const applets = execFileSync('/bin/busybox', ['--list'], { encoding: 'utf8' }).split('\n').filter(Boolean);
  for (const a of applets) if (a !== 'busybox') await symlink('busybox', join(dir, 'bin', a));
  await writeFile(join(dir, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n');
  await writeFile(join(dir, 'etc/group'), 'root:x:0:\nnogroup:x:65534:\n');
}

interface Made {
  record: ContainerRecord;
  request: Parameters<ConmonRuntime['run']>[0];
}

async function container(
  cmd: string[],
  config: ContainerConfig = {},
  hostConfig: HostConfig = {},
  mounts: PlannedMount[] = [],
): Promise<Made> {
  const id = `berthrt${process.pid}x${String(++counter).padStart(4, '0')}`.padEnd(64, '0');
  const dir = join(root, 'containers', id);
  const bundleDir = join(dir, 'bundle');
  await mkdir(bundleDir, { recursive: true });
  const paths = {
    dir,
    bundleDir,
    logPath: join(dir, `${id}-json.log`),
    hostsPath: join(dir, 'hosts'),
    hostnamePath: join(dir, 'hostname'),
    resolvConfPath: join(dir, 'resolv.conf'),
  };
  await writeFile(paths.hostsPath, '127.0.0.1\tlocalhost\n');
  await writeFile(paths.hostnamePath, 'rt\n');
  await writeFile(paths.resolvConfPath, 'nameserver 127.0.0.1\n');
  const [path = '', ...args] = cmd;
  const record = {
    id,
    name: `rt-${counter}`,
    path,
    args,
    config: { Hostname: 'rt', ...config },
    hostConfig,
    logPath: paths.logPath,
    hostsPath: paths.hostsPath,
    hostnamePath: paths.hostnamePath,
    resolvConfPath: paths.resolvConfPath,
  } as unknown as ContainerRecord;
  return { record, request: { record, paths, rootfs: [{ type: 'bind', source: rootfs, options: ['rbind'] }], mounts } };
}

async function logText(rt: ConmonRuntime, record: ContainerRecord): Promise<string> {
  const out: LogEntry[] = [];
  for await (const e of rt.logs(record, {
    follow: false,
    sinceNano: 0n,
    untilNano: undefined,
    tail: undefined,
    stdout: true,
    stderr: true,
  }))
    out.push(e);
  return Buffer.concat(out.map((e) => e.data)).toString();
}

/** Runs to completion; returns the exit code and the log. The container is deleted afterwards. */
async function runToExit(rt: ConmonRuntime, made: Made): Promise<{ exitCode: number; log: string }> {
  await rt.run(made.request);
  try {
    const exit = await rt.waitExit(made.record.id);
    return { exitCode: exit.exitCode, log: await logText(rt, made.record) };
  } finally {
    await rt.delete(made.record.id);
  }
}

// A masked /proc path this kernel has: masked ones are /dev/null inside, so they read empty.
const maskedProcPath =
  ['/proc/timer_list', '/proc/keys', '/proc/sched_debug', '/proc/kcore'].find((p) => existsSync(p)) ?? '/proc/keys';

/** Exited counts as gone: a zombie waits only for its parent (this process, for conmon) to reap it. */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** Follows the log until it matches: the container has got that far. */
async function waitForLog(rt: ConmonRuntime, record: ContainerRecord, pattern: RegExp): Promise<string> {
  const stop = new AbortController();
  let text = '';
  for await (const e of rt.logs(record, {
    follow: true,
    sinceNano: 0n,
    untilNano: undefined,
    tail: undefined,
    stdout: true,
    stderr: true,
    signal: stop.signal,
  })) {
    text += e.data.toString();
    if (pattern.test(text)) stop.abort();
  }
  return text;
}

/** What the rotation test's script may write after `line`: the next line of its round, its end, a pad line, or the
 * next round's first line (done after round 4). */
function nextLogLines(line: string): string[] {
  const m = /^round-(\d)-(line|end|pad)(?:-(\d+))?$/.exec(line);
  if (!m) return [];
  const round = Number(m[1]);
  const n = Number(m[3]);
  const nextRound = round < 4 ? `round-${round + 1}-line-0` : 'done';
  if (m[2] === 'line') return [n < 59 ? `round-${round}-line-${n + 1}` : `round-${round}-end`];
  if (m[2] === 'end') return [`round-${round}-pad-0`, nextRound];
  return [`round-${round}-pad-${n + 1}`, nextRound];
}

describe('runtime-runc conformance', { skip }, () => {
  let rt: ConmonRuntime;

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'berth-rt-'));
    rootfs = join(root, 'rootfs');
    await makeRootfs(rootfs);
    rt = newRuntime();
    await rt.init();
  });

  after(async () => {
    rt.close();
    // A test that timed out leaves its container running (conmon outlives the driver): delete -f kills it too.
    const runcRoot = join(root, 'state', 'runc');
    const left = existsSync(runcRoot)
      ? execFileSync('runc', ['--root', runcRoot, 'list', '-q'], { encoding: 'utf8' }).split('\n').filter(Boolean)
      : [];
    for (const id of left) execFileSync('runc', ['--root', runcRoot, 'delete', '-f', id]);
    // A failed test may leave a rootfs mounted: lazily unmount whatever is below our root before removing it.
    for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
      const point = line.split(' ')[4];
      if (point?.startsWith(root)) execFileSync('umount', ['-l', point]);
    }
    await rm(root, { recursive: true, force: true });
  });

  test('echo output lands in the log, with stream and timestamp; exit 0', async () => {
    const made = await container(['sh', '-c', 'echo hi; echo oops >&2']);
    await rt.run(made.request);
    const exit = await rt.waitExit(made.record.id);
    assert.equal(exit.exitCode, 0);
    assert.equal(exit.oomKilled, false);
    assert.match(exit.finishedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z$/);
    const entries: LogEntry[] = [];
    for await (const e of rt.logs(made.record, {
      follow: false,
      sinceNano: 0n,
      untilNano: undefined,
      tail: undefined,
      stdout: true,
      stderr: true,
    }))
      entries.push(e);
    assert.deepEqual(entries.map((e) => [e.stream, e.data.toString()]).sort(), [
      ['stderr', 'oops\n'],
      ['stdout', 'hi\n'],
    ]);
    assert.match(entries[0]?.time ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
    await rt.delete(made.record.id);
  });

  test('logs: tail, stream filter, a partial last line, and follow until the reader is stopped', async () => {
    const made = await container(['sh', '-c', 'echo a; echo b >&2; echo c; printf tail-without-newline']);
    const { exitCode } = await runToExit(rt, made);
    assert.equal(exitCode, 0);
    const read = async (o: Partial<Parameters<ConmonRuntime['logs']>[1]>): Promise<string[]> => {
      const out: string[] = [];
      for await (const e of rt.logs(made.record, {
        follow: false,
        sinceNano: 0n,
        untilNano: undefined,
        tail: undefined,
        stdout: true,
        stderr: true,
        ...o,
      }))
        out.push(e.data.toString());
      return out;
    };
    // stdout and stderr are separate pipes, so their relative order is not fixed (as with Docker).
    assert.deepEqual((await read({})).length, 4);
    assert.deepEqual(await read({ stderr: false }), ['a\n', 'c\n', 'tail-without-newline']);
    assert.deepEqual(await read({ stderr: false, tail: 2 }), ['c\n', 'tail-without-newline']);
    assert.deepEqual(await read({ stdout: false }), ['b\n']);
    assert.deepEqual(await read({ tail: 0 }), []);
    assert.deepEqual(await read({ untilNano: 1n }), []);

    // Following a running container: lines arrive as written; aborting ends the stream.
    const live = await container(['sh', '-c', 'echo first; read x; echo second'], { OpenStdin: true });
    await rt.run(live.request);
    const stop = new AbortController();
    const seen: string[] = [];
    const follower = (async () => {
      for await (const e of rt.logs(live.record, {
        follow: true,
        sinceNano: 0n,
        untilNano: undefined,
        tail: undefined,
        stdout: true,
        stderr: true,
        signal: stop.signal,
      })) {
        seen.push(e.data.toString());
        if (seen.length === 1) await rt.kill(live.record.id, 9);
      }
    })();
    await rt.waitExit(live.record.id);
    stop.abort();
    await follower;
    await rt.delete(live.record.id);
    assert.deepEqual(seen, ['first\n']);
  });

  test('logs rotate at max-size, keep max-file files, and read back in order', async () => {
    const made = await container(['true']);
    const logName = `${made.record.id}-json.log`;
    const live = `/logs/${logName}`;
    // Each round writes more than max-size, then waits until a rotation took its end marker out of the live file
    // (in a rotated file, and conmon has reopened: the live file is back). The daemon rotates once it sees the file
    // over max-size, which can be mid-round when the writer is slow (a loaded machine): the end marker then sits in
    // the new live file, below max-size, and nothing would rotate it; so the round pads until a rotation comes.
    const script = [
      'for r in 1 2 3 4; do',
      '  j=0; while [ $j -lt 60 ]; do echo "round-$r-line-$j"; j=$((j+1)); done; echo "round-$r-end"',
      '  p=0',
      `  until grep -qs "round-$r-end" ${live}.1 ${live}.2 && [ -e ${live} ]; do`,
      `    if grep -qs "round-$r-end" ${live}; then echo "round-$r-pad-$p"; p=$((p+1)); fi`,
      '    usleep 20000',
      '  done',
      'done; echo done',
    ].join('\n');
    const rotating = await container(
      ['sh', '-c', script],
      {},
      { LogConfig: { Type: 'k8s-file', Config: { 'max-size': '2k', 'max-file': '3' } } },
      [
        {
          type: 'bind',
          source: join(root, 'containers', made.record.id),
          destination: '/logs',
          readOnly: true,
          options: ['rprivate'],
          createSource: false,
        } as unknown as PlannedMount,
      ],
    );
    // The log lives in the first container's directory so the second can watch it through the bind mount.
    Object.assign(rotating.record, { logPath: join(root, 'containers', made.record.id, logName) });
    rotating.request.paths = { ...rotating.request.paths, logPath: rotating.record.logPath };
    const { exitCode, log } = await runToExit(rt, rotating);
    assert.equal(exitCode, 0);
    const files = (await readdir(join(root, 'containers', made.record.id))).filter((f) => f.startsWith(logName)).sort();
    assert.deepEqual(
      files,
      [logName, `${logName}.1`, `${logName}.2`],
      'max-file 3: the live file and two rotated ones',
    );
    // At least one rotation after each round's end: the file holding round 2's end (and all before it) is gone.
    const lines = log.split('\n').filter(Boolean);
    assert.ok(!lines.some((l) => /^round-(1-|2-line-|2-end$)/.test(l)), `rounds 1 and 2 rotated away:\n${log}`);
    assert.ok(lines.includes('round-4-end'), log);
    assert.equal(lines.at(-1), 'done');
    for (let i = 1; i < lines.length; i++)
      assert.ok(
        nextLogLines(lines[i - 1] ?? '').includes(lines[i] ?? ''),
        `nothing lost or repeated in what is kept: ${lines[i - 1]} then ${lines[i]}`,
      );
  });

  test("exit codes: the process's own (3), and a missing executable fails the start with runc's wording", async () => {
    assert.equal((await runToExit(rt, await container(['sh', '-c', 'exit 3']))).exitCode, 3);
    const missing = await container(['/no/such/binary']);
    await assert.rejects(rt.run(missing.request), /no such file or directory|executable file not found/);
    const notInPath = await container(['nosuchcommand']);
    await assert.rejects(rt.run(notInPath.request), /executable file not found in \$PATH|no such file or directory/);
    assert.equal((await rt.status(notInPath.record.id)).status, 'absent');
  });

  test('SIGKILL gives 137; SIGTERM through the init gives 143', async () => {
    const made = await container(['sleep', '100']);
    await rt.run(made.request);
    assert.equal((await rt.status(made.record.id)).status, 'running');
    await rt.kill(made.record.id, rt.parseSignal('KILL'));
    assert.equal((await rt.waitExit(made.record.id)).exitCode, 137);
    await rt.delete(made.record.id);

    // PID 1 ignores SIGTERM without a handler, as under Docker; with --init the child gets it and dies of it.
    // The child's first line proves the init has set up its signal handling (it does so before forking).
    const withInit = await container(['sh', '-c', 'echo ready; exec sleep 100'], {}, { Init: true });
    await rt.run(withInit.request);
    await waitForLog(rt, withInit.record, /ready\n/);
    await rt.kill(withInit.record.id, rt.parseSignal('SIGTERM'));
    assert.equal((await rt.waitExit(withInit.record.id)).exitCode, 143);
    await rt.delete(withInit.record.id);
  });

  test('pause and resume freeze and thaw the cgroup; list names the container', async () => {
    const made = await container(['sleep', '100']);
    await rt.run(made.request);
    try {
      assert.ok((await rt.list()).includes(made.record.id));
      await rt.pause(made.record.id);
      assert.equal((await rt.status(made.record.id)).status, 'paused');
      assert.equal(readContainerCgroup(made.record.id, 'freezer', 'freezer.state'), 'FROZEN');
      await rt.resume(made.record.id);
      assert.equal((await rt.status(made.record.id)).status, 'running');
      assert.equal(readContainerCgroup(made.record.id, 'freezer', 'freezer.state'), 'THAWED');
    } finally {
      await rt.kill(made.record.id, 9);
      await rt.waitExit(made.record.id);
      await rt.delete(made.record.id);
    }
    assert.ok(!(await rt.list()).includes(made.record.id));
  });

  test('a TTY container runs on a terminal and its output reaches the log', async () => {
    const { exitCode, log } = await runToExit(
      rt,
      await container(['sh', '-c', '[ -t 1 ] && echo on-a-tty; echo TERM=$TERM'], { Tty: true, Env: ['TERM=xterm'] }),
    );
    assert.equal(exitCode, 0);
    assert.match(log, /on-a-tty\r?\n/);
  });

  test('a container outlives its driver; a new driver instance re-attaches and sees the exit', async () => {
    const made = await container(['sleep', '100']);
    await rt.run(made.request);
    const second = newRuntime();
    await second.init();
    try {
      assert.equal((await second.status(made.record.id)).status, 'running');
      const waited = second.waitExit(made.record.id);
      await second.kill(made.record.id, 9);
      assert.equal((await waited).exitCode, 137);
      // An exit that happened while no driver watched is read at attach time.
      const third = newRuntime();
      await third.init();
      assert.equal((await third.waitExit(made.record.id)).exitCode, 137);
      third.close();
    } finally {
      await second.delete(made.record.id);
      second.close();
    }
  });

  test('an exit while no driver runs is found by the next driver', async () => {
    const first = newRuntime();
    await first.init();
    const made = await container(['sleep', '100']);
    await first.run(made.request);
    first.close();
    // The daemon is "down": the process dies with nobody watching; conmon records the exit.
    execFileSync(which('runc') ?? 'runc', ['--root', join(root, 'state', 'runc'), 'kill', made.record.id, 'KILL']);
    const next = newRuntime();
    await next.init();
    try {
      const exit = await next.waitExit(made.record.id);
      assert.equal(exit.exitCode, 137);
      assert.equal(exit.oomKilled, false);
    } finally {
      await next.delete(made.record.id);
      next.close();
    }
  });

  test("Docker's default capabilities and seccomp are in force; masked and read-only paths", async () => {
    const script = [
      'grep CapEff /proc/self/status',
      'unshare -U true 2>/dev/null && echo unshare-allowed || echo unshare-blocked',
      `echo masked=$(wc -c < ${maskedProcPath})`,
      'echo x > /proc/sys/kernel/domainname 2>/dev/null && echo procsys-rw || echo procsys-ro',
      'touch /sys/x 2>/dev/null && echo sys-rw || echo sys-ro',
    ].join('; ');
    const { exitCode, log } = await runToExit(rt, await container(['sh', '-c', script]));
    assert.equal(exitCode, 0);
    assert.match(log, /CapEff:\s+00000000a80425fb/);
    assert.match(log, /unshare-blocked/);
    assert.match(log, /masked=0\n/);
    assert.match(log, /procsys-ro/);
    assert.match(log, /sys-ro/);

    const privileged = await runToExit(
      rt,
      await container(['sh', '-c', 'grep CapEff /proc/self/status'], {}, { Privileged: true }),
    );
    assert.doesNotMatch(privileged.log, /00000000a80425fb/);
  });

  test('read-only rootfs, a tmpfs mount and a bind mount', async () => {
    const hostDir = join(root, 'bind-src');
    await mkdir(hostDir, { recursive: true });
    const mounts = [
      {
        type: 'tmpfs',
        source: 'tmpfs',
        destination: '/scratch',
        readOnly: false,
        options: ['size=1m'],
        createSource: false,
      },
      {
        type: 'bind',
        source: hostDir,
        destination: '/data',
        readOnly: false,
        options: ['rprivate'],
        createSource: false,
      },
    ] as unknown as PlannedMount[];
    const script =
      'touch /rootfile 2>/dev/null && echo root-rw || echo root-ro; grep " /scratch " /proc/mounts; echo from-container > /data/f';
    const { exitCode, log } = await runToExit(
      rt,
      await container(['sh', '-c', script], {}, { ReadonlyRootfs: true }, mounts),
    );
    assert.equal(exitCode, 0);
    assert.match(log, /root-ro/);
    assert.match(log, /tmpfs \/scratch tmpfs .*size=1024k/);
    assert.equal(await readFile(join(hostDir, 'f'), 'utf8'), 'from-container\n');
  });

  test("memory and pids limits are in the cgroup; nofile is Docker's default capped to the host", async () => {
    const made = await container(
      ['sh', '-c', 'ulimit -n; cat /sys/fs/cgroup/pids/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids.max; sleep 100'],
      {},
      { Memory: 64 * 1024 * 1024, PidsLimit: 42 },
    );
    await rt.run(made.request);
    try {
      await waitForLog(rt, made.record, /\n42\n/);
      assert.equal(readContainerCgroup(made.record.id, 'memory', 'memory.limit_in_bytes'), String(64 * 1024 * 1024));
      assert.equal(readContainerCgroup(made.record.id, 'pids', 'pids.max'), '42');
    } finally {
      await rt.kill(made.record.id, 9);
      await rt.waitExit(made.record.id);
    }
    const log = await logText(rt, made.record);
    assert.match(log, new RegExp(`^${Math.min(1048576, hostHardNofile)}\n42\n`));
    await rt.delete(made.record.id);
  });

  test('a memory-starved process is OOM-killed: 137 and oomKilled', async () => {
    // tail holds a newline-free stream whole, so it grows until the cgroup's limit (no swap) kills it.
    const made = await container(
      ['sh', '-c', 'head -c 256m /dev/zero | tail'],
      {},
      { Memory: 16 * 1024 * 1024, MemorySwap: 16 * 1024 * 1024 },
    );
    await rt.run(made.request);
    const exit = await rt.waitExit(made.record.id);
    await rt.delete(made.record.id);
    assert.equal(exit.oomKilled, true);
    assert.equal(exit.exitCode, 137);
  });

  test('delete leaves no process, cgroup, conmon or mount behind', async () => {
    const made = await container(['sleep', '100'], {}, { Memory: 32 * 1024 * 1024 });
    const { pid } = await rt.run(made.request);
    const conmonPid = Number(readFileSync(join(root, 'state', 'containers', made.record.id, 'conmon.pid'), 'utf8'));
    const bundleRootfs = join(made.request.paths.bundleDir, 'rootfs');
    assert.ok(existsSync(`/proc/${pid}`) && existsSync(`/proc/${conmonPid}`));
    assert.ok(existsSync(containerCgroupDir(made.record.id, 'memory')));
    assert.ok(readFileSync('/proc/self/mountinfo', 'utf8').includes(bundleRootfs));

    await rt.delete(made.record.id);
    assert.equal(alive(pid), false, 'container process gone');
    assert.equal(alive(conmonPid), false, 'conmon gone');
    for (const c of ['memory', 'pids', 'cpu', 'devices', 'freezer'])
      assert.equal(existsSync(containerCgroupDir(made.record.id, c)), false, `${c} cgroup removed`);
    assert.equal(readFileSync('/proc/self/mountinfo', 'utf8').includes(bundleRootfs), false, 'rootfs unmounted');
    assert.equal((await rt.status(made.record.id)).status, 'absent');
    await rt.delete(made.record.id); // idempotent
  });

  test('after every test above: no cgroup, conmon or mount of this run is left', () => {
    const prefix = `berthrt${process.pid}x`;
    const berthDirs =
      hostCgroupVersion === '2'
        ? ['/sys/fs/cgroup/berth']
        : readdirSync('/sys/fs/cgroup').map((controller) => `/sys/fs/cgroup/${controller}/berth`);
    const cgroups = berthDirs.flatMap((dir) =>
      existsSync(dir)
        ? readdirSync(dir)
            .filter((d) => d.startsWith(prefix))
            .map((d) => `${dir}/${d}`)
        : [],
    );
    assert.deepEqual(cgroups, []);
    const conmons = readdirSync('/proc')
      .filter((p) => /^\d+$/.test(p) && alive(Number(p)))
      .filter((p) => {
        try {
          return (
            readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(root) &&
            readFileSync(`/proc/${p}/comm`, 'utf8').trim() === 'conmon'
          );
        } catch {
          return false;
        }
      });
    assert.deepEqual(conmons, []);
    assert.equal(readFileSync('/proc/self/mountinfo', 'utf8').includes(root), false);
  });
});
