// `docker run` with host and shared namespaces, a device, the OOM killer off and a runtime from the daemon's
// config: the same test body against berthd and against Docker's own engine, so the test checks itself.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { isRoot } from '../helpers/daemon.js';
import { docker } from '../helpers/run.js';
import { hasDockerd } from '../helpers/dockerd.js';
import { useDaemon, useDockerd } from '../helpers/use-daemon.js';

const skip = !isRoot() && 'needs root';
let scratch: string | undefined;

/** A runtime with runc's command line that leaves a trace of each call, in the file's scratch directory. */
const tracingRuntime = (name: string): string => {
  scratch ??= mkdtempSync(join(tmpdir(), 'berth-hc-cli-'));
  const path = join(scratch, `rt-${name}`);
  writeFileSync(path, `#!/bin/sh\necho "$@" >> ${join(scratch, `rt-${name}.log`)}\nexec runc "$@"\n`);
  chmodSync(path, 0o755);
  return path;
};

const berthd = useDaemon(skip, {
  start: () => ({ extraArgs: ['--add-runtime', `tracing=${tracingRuntime('berthd')}`] }),
});
const dockerd = useDockerd(skip || (!hasDockerd() && 'no dockerd'), {
  start: () => ({ extraArgs: ['--add-runtime', `tracing=${tracingRuntime('dockerd')}`] }),
});
after(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

const engines = [
  { name: 'berthd', env: () => berthd.env },
  { name: 'dockerd', env: () => dockerd.env },
].map((e) => ({ ...e, runtimeLog: () => join(scratch ?? '', `rt-${e.name}.log`) }));

const run = async (env: NodeJS.ProcessEnv, flags: string[], script: string): Promise<string> => {
  const r = await docker(env, ['run', '--rm', ...flags, 'busybox', 'sh', '-c', script]);
  assert.equal(r.code, 0, `docker run ${flags.join(' ')}: ${r.stderr}`);
  return r.stdout;
};

for (const engine of [{ name: 'berthd' }, { name: 'dockerd' }]) {
  const on = (): (typeof engines)[number] | undefined => engines.find((e) => e.name === engine.name);
  const skipEngine = skip || (engine.name === 'dockerd' && !hasDockerd() && 'no dockerd');

  test(
    `${engine.name}: --pid host, --ipc host and --uts host share the host's namespaces; the defaults do not`,
    { skip: skipEngine },
    async () => {
      const env = (on() as (typeof engines)[number]).env();
      const mine = (ns: string): string => readlinkSync(`/proc/self/ns/${ns}`);
      assert.equal((await run(env, ['--pid', 'host'], 'readlink /proc/self/ns/pid')).trim(), mine('pid'));
      assert.equal((await run(env, ['--ipc', 'host'], 'readlink /proc/self/ns/ipc')).trim(), mine('ipc'));
      assert.equal(
        (await run(env, ['--uts', 'host'], 'readlink /proc/self/ns/uts; hostname')).trim(),
        `${mine('uts')}\n${hostname()}`,
      );
      const own = (await run(env, [], 'for n in pid ipc uts; do readlink /proc/self/ns/$n; done')).trim().split('\n');
      assert.deepEqual(
        own.filter((n) => [mine('pid'), mine('ipc'), mine('uts')].includes(n)),
        [],
      );
      assert.equal(
        (await run(env, ['--pid', 'host'], 'ps -o pid,comm | grep -c .')).trim() !== '2',
        true,
        "the host's processes are visible",
      );
    },
  );

  test(
    `${engine.name}: --ipc shareable and --ipc/--pid container:<donor> share its IPC, /dev/shm and processes`,
    { skip: skipEngine },
    async () => {
      const env = (on() as (typeof engines)[number]).env();
      const donor = `hc-donor-${engine.name}`;
      const started = await docker(env, [
        'run',
        '-d',
        '--name',
        donor,
        '--ipc',
        'shareable',
        'busybox',
        'sh',
        '-c',
        'echo shared > /dev/shm/mark; sleep 600',
      ]);
      assert.equal(started.code, 0, started.stderr);
      try {
        const out = await run(
          env,
          ['--ipc', `container:${donor}`, '--pid', `container:${donor}`],
          'cat /dev/shm/mark; ps -o comm | grep -c sleep; readlink /proc/1/ns/ipc',
        );
        const donorIpc = (await docker(env, ['exec', donor, 'readlink', '/proc/self/ns/ipc'])).stdout.trim();
        assert.equal(out, `shared\n1\n${donorIpc}\n`);
      } finally {
        await docker(env, ['rm', '-f', donor]);
      }
    },
  );

  test(
    `${engine.name}: --device /dev/fuse makes the node and allows it with the given permissions`,
    { skip: skipEngine },
    async () => {
      const env = (on() as (typeof engines)[number]).env();
      assert.match(await run(env, ['--device', '/dev/fuse'], 'ls -l /dev/fuse'), /^c.* 10,\s+229 .*\/dev\/fuse$/m);
      const out = await run(
        env,
        ['--device', '/dev/fuse:/dev/myfuse:r'],
        'ls -l /dev/myfuse; cat /sys/fs/cgroup/devices/devices.list',
      );
      assert.match(out, /\/dev\/myfuse$/m);
      assert.match(out, /^c 10:229 r$/m);
      assert.doesNotMatch(await run(env, [], 'ls /dev'), /fuse/);
      assert.match(
        await run(env, ['--device-cgroup-rule', 'c 42:* rmw'], 'cat /sys/fs/cgroup/devices/devices.list'),
        /^c 42:\* rwm$/m,
      );
    },
  );

  test(
    `${engine.name}: --oom-kill-disable, --memory-swappiness and --oom-score-adj reach the cgroup and the process`,
    { skip: skipEngine },
    async () => {
      const env = (on() as (typeof engines)[number]).env();
      assert.match(
        await run(env, ['--oom-kill-disable', '-m', '32m'], 'cat /sys/fs/cgroup/memory/memory.oom_control'),
        /^oom_kill_disable 1$/m,
      );
      assert.match(await run(env, [], 'cat /sys/fs/cgroup/memory/memory.oom_control'), /^oom_kill_disable 0$/m);
      assert.equal(
        (await run(env, ['--memory-swappiness', '7'], 'cat /sys/fs/cgroup/memory/memory.swappiness')).trim(),
        '7',
      );
      assert.equal((await run(env, ['--oom-score-adj', '300'], 'cat /proc/self/oom_score_adj')).trim(), '300');
    },
  );

  test(
    `${engine.name}: --runtime runs the container under a runtime of the daemon's config, shown in inspect`,
    { skip: skipEngine },
    async () => {
      const e = on() as (typeof engines)[number];
      const env = e.env();
      const name = `hc-rt-${engine.name}`;
      const r = await docker(env, ['run', '--name', name, '--runtime', 'tracing', 'busybox', 'echo', 'traced']);
      try {
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stdout, 'traced\n');
        const id = (await docker(env, ['inspect', '-f', '{{.Id}} {{.HostConfig.Runtime}}', name])).stdout
          .trim()
          .split(' ');
        assert.equal(id[1], 'tracing');
        assert.match(readFileSync(e.runtimeLog(), 'utf8'), new RegExp(`\\b${id[0]}\\b`));
        assert.equal((await docker(env, ['create', '--name', `${name}-plain`, 'busybox'])).code, 0);
        assert.equal(
          (await docker(env, ['inspect', '-f', '{{.HostConfig.Runtime}}', `${name}-plain`])).stdout.trim(),
          'runc',
        );
        const unknown = await docker(env, ['create', '--runtime', 'nope', 'busybox']);
        assert.notEqual(unknown.code, 0);
        assert.match(unknown.stderr, /Unknown runtime specified nope/);
        assert.match((await docker(env, ['info', '--format', '{{json .Runtimes}}'])).stdout, /"tracing"/);
      } finally {
        await docker(env, ['rm', '-f', name, `${name}-plain`]);
      }
    },
  );
}
