// Docker's security defaults and resource options, observed from inside real containers.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isRoot } from '../helpers/daemon.js';
import { useDaemon } from '../helpers/use-daemon.js';
import { docker } from '../helpers/run.js';

const skip = !isRoot() && 'needs root';
let scratch: string;

const daemon = useDaemon(skip, {
  setUp: async () => {
    scratch = mkdtempSync(join(tmpdir(), 'berth-sec-'));
  },
});
after(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

const sh = async (flags: string[], script: string): Promise<{ code: number | null; out: string; err: string }> => {
  const r = await docker(daemon.env, ['run', '--rm', ...flags, 'busybox', 'sh', '-c', script]);
  return { code: r.code, out: r.stdout, err: r.stderr };
};

test("Docker's default capabilities; cap-add, cap-drop and privileged change them", { skip }, async () => {
  assert.match((await sh([], 'grep CapEff /proc/self/status')).out, /CapEff:\s+00000000a80425fb/);
  assert.match((await sh(['--cap-drop', 'ALL'], 'grep CapEff /proc/self/status')).out, /CapEff:\s+0000000000000000/);
  assert.match(
    (await sh(['--cap-add', 'NET_ADMIN'], 'grep CapEff /proc/self/status')).out,
    /CapEff:\s+00000000a80435fb/,
  );
  assert.doesNotMatch((await sh(['--privileged'], 'grep CapEff /proc/self/status')).out, /a80425fb/);
});

test('seccomp is on by default and can be turned off', { skip }, async () => {
  assert.match((await sh([], 'grep Seccomp: /proc/self/status')).out, /Seccomp:\s+2/);
  assert.match(
    (await sh(['--security-opt', 'seccomp=unconfined'], 'grep Seccomp: /proc/self/status')).out,
    /Seccomp:\s+0/,
  );
  // unshare(CLONE_NEWUSER) etc. are blocked by the profile without CAP_SYS_ADMIN: busybox unshare fails.
  assert.notEqual((await sh([], 'unshare -m true')).code, 0);
  assert.match(
    (await sh(['--security-opt', 'no-new-privileges'], 'grep NoNewPrivs /proc/self/status')).out,
    /NoNewPrivs:\s+1/,
  );
});

test('masked and read-only paths, read-only /sys, read-only rootfs, tmpfs and bind mounts', { skip }, async () => {
  assert.equal((await sh([], 'cat /proc/kcore | wc -c')).out.trim(), '0');
  assert.notEqual((await sh([], 'echo 1 > /proc/sys/kernel/panic')).code, 0);
  assert.notEqual((await sh([], 'touch /sys/x')).code, 0);
  assert.notEqual((await sh(['--read-only'], 'touch /x')).code, 0);
  assert.equal((await sh(['--read-only', '--tmpfs', '/scratch'], 'touch /scratch/x && echo ok')).out, 'ok\n');
  writeFileSync(join(scratch, 'hello.txt'), 'from the host\n');
  assert.equal((await sh(['-v', `${scratch}:/host:ro`], 'cat /host/hello.txt')).out, 'from the host\n');
  assert.notEqual((await sh(['-v', `${scratch}:/host:ro`], 'touch /host/new')).code, 0);
  assert.equal((await sh(['-v', `${scratch}:/host`], 'echo hi > /host/new && echo ok')).out, 'ok\n');
});

test(
  'resources: memory and pids limits land in the cgroup; ulimits; user; workdir; hostname; env',
  { skip },
  async () => {
    const mem = await sh(
      ['--memory', '64m'],
      'cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max',
    );
    assert.equal(mem.out.trim(), String(64 * 1024 * 1024));
    const pids = await sh(
      ['--pids-limit', '42'],
      'cat /sys/fs/cgroup/pids/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids.max',
    );
    assert.equal(pids.out.trim(), '42');
    assert.equal((await sh(['--ulimit', 'nofile=512:1024'], 'ulimit -n')).out.trim(), '512');
    assert.equal((await sh(['-u', 'app'], 'id -u; id -g')).out, '1000\n1000\n');
    assert.equal((await sh(['-u', '1234:5678'], 'id -u; id -g')).out, '1234\n5678\n');
    assert.equal((await sh(['-w', '/work/dir'], 'pwd')).out, '/work/dir\n');
    assert.equal((await sh(['--hostname', 'boat'], 'hostname; cat /etc/hostname')).out, 'boat\nboat\n');
    assert.match((await sh(['--add-host', 'db:10.1.2.3'], 'cat /etc/hosts')).out, /10\.1\.2\.3\tdb/);
    assert.match((await sh(['-e', 'A=b'], 'env')).out, /^A=b$/m);
    assert.equal(
      (await sh(['--init'], 'cat /proc/1/cmdline | tr "\\0" " "')).out.trim().startsWith('/sbin/docker-init'),
      true,
    );
  },
);
