// docker cp both ways, top, stats, pause/unpause, commit, diff, export and update, end to end with the real
// docker CLI and berth's own against a real berthd, running and stopped containers, and the bad inputs.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { apiRequest, isRoot } from '../helpers/daemon.js';
import { useDaemon } from '../helpers/use-daemon.js';
import { berth, docker, run } from '../helpers/run.js';
import { readContainerCgroup } from '../helpers/cgroup.js';

const skip = !isRoot() && 'needs root';
let work: string;
let id: string;

const d = (args: string[], input?: string | Buffer) => docker(daemon.env, args, { input });
const b = (args: string[], input?: string | Buffer) => berth(daemon.env, args, { input });

// Every test works on one long-running container; the images committed go with the daemon's other leftovers.
const daemon = useDaemon(skip, {
  setUp: async () => {
    work = mkdtempSync(join(tmpdir(), 'berth-cp-'));
    const started = await d(['run', '-d', '--name', 'files', 'busybox', 'sleep', '3600']);
    assert.equal(started.code, 0, started.stderr);
    id = started.stdout.trim();
  },
  tearDown: async () => {
    const images = (await d(['images', '-q', 'committed*'])).stdout.split('\n').filter(Boolean);
    if (images.length) await d(['rmi', '-f', ...images]);
  },
});
after(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

const inContainer = async (cmd: string): Promise<string> => {
  // No exec needed: a file copied out is how the test looks inside.
  const r = await d(['cp', `files:${cmd}`, '-']);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout;
};

/** The private mounts of stopped containers' rootfs: none may be left behind. */
const leftoverMounts = (): string[] =>
  readFileSync('/proc/mounts', 'utf8')
    .split('\n')
    .filter((l) => l.includes(join(daemon.execRoot, 'rootfs-mounts')));
/**
 * The daemon unmounts a stopped container's rootfs once its side of a tar stream (cp, export) is done, which may be
 * just after the client has read the end: wait for that (bounded), then none may be left.
 */
async function assertNoMountLeft(): Promise<void> {
  for (const deadline = Date.now() + 10_000; leftoverMounts().length > 0 && Date.now() < deadline;)
    await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(leftoverMounts(), []);
}

test('cp both ways with docker and berth: files, directories, dir/., tar streams', { skip }, async () => {
  const src = join(work, 'src');
  mkdirSync(join(src, 'tree', 'sub'), { recursive: true });
  writeFileSync(join(src, 'hello.txt'), 'hello\n');
  writeFileSync(join(src, 'tree', 'sub', 'deep.txt'), 'deep\n');
  for (const [name, cli] of [
    ['docker', d],
    ['berth', b],
  ] as const) {
    const up = await cli(['cp', join(src, 'hello.txt'), `files:/tmp/${name}.txt`]);
    assert.equal(up.code, 0, up.stderr);
    const tree = await cli(['cp', join(src, 'tree'), `files:/tmp/${name}-tree`]);
    assert.equal(tree.code, 0, tree.stderr);
    const out = join(work, `${name}-out`);
    mkdirSync(out);
    assert.equal((await cli(['cp', `files:/tmp/${name}.txt`, join(out, 'copy.txt')])).code, 0);
    assert.equal(readFileSync(join(out, 'copy.txt'), 'utf8'), 'hello\n');
    // Into an existing directory: lands under the source's name.
    assert.equal((await cli(['cp', `files:/tmp/${name}-tree`, out])).code, 0);
    assert.equal(readFileSync(join(out, `${name}-tree`, 'sub', 'deep.txt'), 'utf8'), 'deep\n');
    // dir/. copies the contents; a missing destination takes the directory's place.
    assert.equal((await cli(['cp', `files:/tmp/${name}-tree/.`, join(out, 'contents')])).code, 0);
    assert.deepEqual(readdirSync(join(out, 'contents')), ['sub']);
    // `-`: a tar on stdout, and a tar from stdin.
    const tar = await run(
      'sh',
      [
        '-c',
        `${name === 'docker' ? 'docker' : `${process.execPath} ${join(process.cwd(), 'bin/berth')}`} cp files:/tmp/${name}-tree - | tar t | sort`,
      ],
      { env: { ...daemon.env, DOCKER_CLI_HINTS: 'false' } },
    );
    assert.equal(tar.stdout, `${name}-tree/\n${name}-tree/sub/\n${name}-tree/sub/deep.txt\n`);
    const stdinTar = execFileSync('tar', ['c', '-C', src, 'hello.txt']);
    assert.equal((await cli(['cp', '-', 'files:/root'], stdinTar)).code, 0);
  }
  assert.equal(await inContainer('/root/hello.txt').then((t) => t.includes('hello')), true);
});

test('cp works on a stopped container and leaves no mount behind', { skip }, async () => {
  assert.equal((await d(['create', '--name', 'stopped', 'busybox', 'true'])).code, 0);
  writeFileSync(join(work, 'while-stopped.txt'), 'stopped\n');
  for (const cli of [d, b]) {
    assert.equal((await cli(['cp', join(work, 'while-stopped.txt'), 'stopped:/'])).code, 0);
    const back = await cli(['cp', 'stopped:/while-stopped.txt', '-']);
    assert.equal(back.code, 0, back.stderr);
    assert.match(back.stdout, /stopped\n/);
  }
  await assertNoMountLeft();
  await d(['rm', 'stopped']);
});

test('cp bad input: missing source and missing destination directory, as docker words them', { skip }, async () => {
  for (const cli of [d, b]) {
    const missing = await cli(['cp', 'files:/no/such/file', join(work, 'x')]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /Could not find the file \/no\/such\/file in container files/);
    const noDir = await cli(['cp', join(work, 'while-stopped.txt'), 'files:/no/such/dir/']);
    assert.equal(noDir.code, 1);
    assert.match(noDir.stderr, /no such directory/);
    const notDir = await cli(['cp', join(work, 'while-stopped.txt'), 'files:/etc/passwd/x']);
    assert.equal(notDir.code, 1);
    assert.match(notDir.stderr, /extraction point is not a directory/);
  }
});

test('top: host ps rows for the container, docker and berth print the same', { skip }, async () => {
  const dt = await d(['top', 'files']);
  assert.equal(dt.code, 0, dt.stderr);
  const [header, ...rows] = dt.stdout.trimEnd().split('\n');
  assert.deepEqual(header?.trim().split(/\s+/), ['UID', 'PID', 'PPID', 'C', 'STIME', 'TTY', 'TIME', 'CMD']);
  assert.equal(rows.length, 1);
  assert.match(rows[0] ?? '', /sleep 3600$/);
  const bt = await b(['top', 'files']);
  assert.equal(bt.stdout, dt.stdout);
  const aux = await d(['top', 'files', 'aux']);
  assert.match(aux.stdout, /^USER\s+PID\s+%CPU/);
  const stopped = await d(['create', 'busybox']);
  const notRunning = await d(['top', stopped.stdout.trim()]);
  assert.equal(notRunning.code, 1);
  assert.match(notRunning.stderr, /is not running/);
});

test('stats: one-shot and --no-stream in docker shape and columns', { skip }, async () => {
  const res = JSON.parse((await apiRequest(daemon.socketPath, '/containers/files/stats?stream=false')).body) as Record<
    string,
    unknown
  >;
  assert.deepEqual(Object.keys(res).slice(0, 11), [
    'read',
    'preread',
    'pids_stats',
    'blkio_stats',
    'num_procs',
    'storage_stats',
    'cpu_stats',
    'precpu_stats',
    'memory_stats',
    'name',
    'id',
  ]);
  const cpu = res.cpu_stats as { cpu_usage: { total_usage: number }; system_cpu_usage: number; online_cpus: number };
  const pre = res.precpu_stats as { system_cpu_usage?: number };
  assert.ok(cpu.cpu_usage.total_usage > 0 && cpu.system_cpu_usage > 0 && cpu.online_cpus > 0);
  assert.ok((pre.system_cpu_usage ?? 0) > 0, 'stream=false samples twice');
  assert.equal((res.pids_stats as { current: number }).current, 1);
  assert.equal(res.name, '/files');
  for (const cli of [d, b]) {
    const out = await cli(['stats', '--no-stream', 'files']);
    assert.equal(out.code, 0, out.stderr);
    const [header, row] = out.stdout.split('\n');
    assert.equal(header, 'CONTAINER ID   NAME      CPU %     MEM USAGE / LIMIT   MEM %     NET I/O   BLOCK I/O   PIDS');
    assert.match(
      row ?? '',
      new RegExp(
        `^${id.slice(0, 12)}   files     \\d+\\.\\d\\d%\\s+[\\d.]+[KMG]?i?B / [\\d.]+[KMG]iB\\s+\\d+\\.\\d\\d%\\s+0B / 0B\\s+\\S+ / \\S+\\s+1$`,
      ),
    );
  }
  const formatted = await b(['stats', '--no-stream', '--format', '{{.Name}} {{.PIDs}}', 'files']);
  assert.equal(formatted.stdout, 'files 1\n');
});

test('pause freezes the cgroup, unpause thaws it; a stopped container cannot be paused (409)', { skip }, async () => {
  for (const cli of [d, b]) {
    assert.equal((await cli(['pause', 'files'])).stdout, 'files\n');
    assert.equal(readContainerCgroup(id, 'freezer', 'freezer.state'), 'FROZEN');
    assert.match((await d(['ps', '--filter', 'name=files'])).stdout, /\(Paused\)/);
    const again = await cli(['pause', 'files']);
    assert.match(again.stderr, /is already paused/);
    assert.equal((await cli(['unpause', 'files'])).stdout, 'files\n');
    assert.equal(readContainerCgroup(id, 'freezer', 'freezer.state'), 'THAWED');
  }
  const created = (await d(['create', 'busybox'])).stdout.trim();
  const refused = await d(['pause', created]);
  assert.equal(refused.code, 1);
  assert.equal(refused.stderr, `Error response from daemon: Container ${created} is not running\n`);
  const status = (await apiRequest(daemon.socketPath, `/containers/${created}/pause`, { method: 'POST' })).status;
  assert.equal(status, 409);
  const events = await d([
    'events',
    '--since',
    '0',
    '--until',
    `${Math.floor(Date.now() / 1000) + 1}`,
    '--filter',
    'container=files',
    '--filter',
    'event=pause',
    '--filter',
    'event=unpause',
    '--format',
    '{{.Action}}',
  ]);
  assert.equal(events.stdout, 'pause\nunpause\npause\nunpause\n');
});

test('diff, commit then run the new image, export', { skip }, async () => {
  assert.equal(
    (
      await d([
        'run',
        '--name',
        'changer',
        'busybox',
        'sh',
        '-c',
        'echo new > /new.txt && rm /etc/group && mkdir -p /opt/app && echo x > /opt/app/x',
      ])
    ).code,
    0,
  );
  for (const cli of [d, b]) {
    const diff = await cli(['diff', 'changer']);
    assert.equal(diff.stdout, 'C /etc\nD /etc/group\nA /new.txt\nA /opt\nA /opt/app\nA /opt/app/x\n');
  }
  const committed = await d([
    'commit',
    '-m',
    'the message',
    '-a',
    'someone',
    '-c',
    'ENV FROM_COMMIT=yes',
    'changer',
    'committed:one',
  ]);
  assert.equal(committed.code, 0, committed.stderr);
  assert.match(committed.stdout, /^sha256:[0-9a-f]{64}\n$/);
  const ran = await d([
    'run',
    '--rm',
    'committed:one',
    'sh',
    '-c',
    'cat /new.txt; echo $FROM_COMMIT; test -e /etc/group || echo gone',
  ]);
  assert.equal(ran.stdout, 'new\nyes\ngone\n');
  assert.match((await d(['images', 'committed'])).stdout, /committed\s+one/);
  const history = await d(['history', '--no-trunc', '--format', '{{.CreatedBy}}|{{.Comment}}', 'committed:one']);
  assert.equal(
    history.stdout.split('\n')[0],
    'sh -c echo new > /new.txt && rm /etc/group && mkdir -p /opt/app && echo x > /opt/app/x|the message',
  );
  assert.equal((await d(['image', 'inspect', '-f', '{{.Author}}', 'committed:one'])).stdout, 'someone\n');
  const viaBerth = await b(['commit', '-c', 'CMD ["cat", "/new.txt"]', 'changer', 'committed:two']);
  assert.equal(viaBerth.code, 0, viaBerth.stderr);
  assert.equal((await d(['run', '--rm', 'committed:two'])).stdout, 'new\n');
  const bad = await d(['commit', '-c', 'NOPE x', 'changer', 'committed:bad']);
  assert.equal(bad.code, 1);
  for (const cli of ['docker', 'berth']) {
    const cmd = cli === 'docker' ? 'docker' : `${process.execPath} ${join(process.cwd(), 'bin/berth')}`;
    const listing = await run('sh', ['-c', `${cmd} export changer | tar t`], {
      env: { ...daemon.env, DOCKER_CLI_HINTS: 'false' },
    });
    const names = listing.stdout.split('\n');
    assert.ok(names.includes('new.txt') && names.includes('bin/sh') && names.includes('opt/app/x'), listing.stderr);
    assert.ok(!names.includes('etc/group'));
  }
  const file = join(work, 'export.tar');
  assert.equal((await b(['export', '-o', file, 'changer'])).code, 0);
  assert.ok(existsSync(file));
  await assertNoMountLeft();
});

test('update changes the cgroup of a running container and the record', { skip }, async () => {
  for (const cli of [d, b]) {
    const up = await cli([
      'update',
      '--memory',
      '64m',
      '--memory-swap',
      '128m',
      '--pids-limit',
      '40',
      '--restart',
      'on-failure:2',
      'files',
    ]);
    assert.equal(up.stdout, 'files\n', up.stderr);
  }
  assert.equal(readContainerCgroup(id, 'memory', 'memory.limit_in_bytes'), String(64 * 1024 * 1024));
  assert.equal(readContainerCgroup(id, 'pids', 'pids.max'), '40');
  assert.equal(
    (
      await d([
        'inspect',
        '-f',
        '{{.HostConfig.Memory}} {{.HostConfig.PidsLimit}} {{.HostConfig.RestartPolicy.Name}}:{{.HostConfig.RestartPolicy.MaximumRetryCount}}',
        'files',
      ])
    ).stdout,
    '67108864 40 on-failure:2\n',
  );
});

test('port lists nothing for a container without published ports', { skip }, async () => {
  const p = await b(['port', 'files']);
  assert.equal(p.code, 0);
  assert.equal(p.stdout, '');
  const one = await b(['port', 'files', '80']);
  assert.equal(one.stderr, "Error: No public port '80/tcp' published for files\n");
});
