// Volumes end to end, with the real docker CLI and berth against berthd: named volumes carry data between
// containers, copy-up from the image, anonymous volumes (-v /path, --mount without source) and `rm -v`,
// --volumes-from, tmpfs and bind-device volumes, ls/inspect/rm/prune as docker prints them, bad input with
// Docker's messages, sizes in system df, and data that survives container removal and a kill -9 of berthd.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isRoot } from '../helpers/daemon.js';
import { useDaemon } from '../helpers/use-daemon.js';
import { berth, docker } from '../helpers/run.js';
import { same } from './cli-compare.js';

const skip = !isRoot() && 'needs root';
// The volumes the tests left are pruned too, once their containers are gone.
const daemon = useDaemon(skip, {
  tearDown: async (berthd) => {
    await docker(berthd.env, ['volume', 'prune', '-af']);
  },
});

const d = (args: string[]) => docker(daemon.env, args);
async function ok(args: string[], client = docker): Promise<string> {
  const r = await client(daemon.env, args);
  assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}
const mountsOf = async (
  c: string,
): Promise<
  {
    Type: string;
    Name?: string;
    Source: string;
    Destination: string;
    Driver?: string;
    Mode: string;
    RW: boolean;
    Propagation: string;
  }[]
> => JSON.parse(await ok(['inspect', '-f', '{{json .Mounts}}', c])) as never;

test(
  'a file written into a named volume by one container is read by the next (docker and berth)',
  { skip },
  async () => {
    const since = Math.floor(Date.now() / 1000) - 1;
    assert.equal(await ok(['volume', 'create', 'shared']), 'shared\n');
    await ok(['run', '--rm', '-v', 'shared:/data', 'busybox', 'sh', '-c', 'echo hello > /data/greeting']);
    assert.equal(await ok(['run', '--rm', '-v', 'shared:/data:ro', 'busybox', 'cat', '/data/greeting']), 'hello\n');
    assert.equal(
      await ok(['run', '--rm', '--mount', 'type=volume,src=shared,dst=/x', 'busybox', 'cat', '/x/greeting'], berth),
      'hello\n',
    );
    // Created on first use by berth, read back through docker.
    await ok(['run', '--rm', '-v', 'fromberth:/d', 'busybox', 'sh', '-c', 'echo via-berth > /d/f'], berth);
    assert.equal(await ok(['run', '--rm', '-v', 'fromberth:/d', 'busybox', 'cat', '/d/f']), 'via-berth\n');
    const ro = await d(['run', '--rm', '-v', 'shared:/data:ro', 'busybox', 'touch', '/data/nope']);
    assert.notEqual(ro.code, 0);
    assert.match(ro.stderr, /Read-only file system/);
    // Volume events as Docker's: create, then mount/unmount for each container run.
    const events = await ok([
      'events',
      '--since',
      String(since),
      '--until',
      String(Math.floor(Date.now() / 1000) + 1),
      '--filter',
      'type=volume',
      '--filter',
      'volume=shared',
      '--format',
      '{{.Action}} {{.Actor.Attributes.driver}}',
    ]);
    assert.match(events, /^create local\nmount local\nunmount local\n/);
  },
);

test(
  'inspect shows Docker-shaped volume mounts; a new volume is filled from the image, nocopy leaves it empty',
  { skip },
  async () => {
    await ok([
      'create',
      '--name',
      'shapes',
      '-v',
      'etcvol:/etc',
      '-v',
      '/anon',
      '--mount',
      'type=volume,dst=/m',
      'busybox',
      'true',
    ]);
    const mounts = await mountsOf('shapes');
    const etc = mounts.find((m) => m.Destination === '/etc');
    assert.deepEqual(etc, {
      Type: 'volume',
      Name: 'etcvol',
      Source: join(daemon.dataRoot, 'volumes/etcvol/_data'),
      Destination: '/etc',
      Driver: 'local',
      Mode: 'z',
      RW: true,
      Propagation: '',
    });
    const anon = mounts.find((m) => m.Destination === '/anon');
    assert.match(anon?.Name ?? '', /^[0-9a-f]{64}$/);
    assert.equal(anon?.Mode, '');
    assert.match(mounts.find((m) => m.Destination === '/m')?.Name ?? '', /^[0-9a-f]{64}$/);
    await ok(['start', '-a', 'shapes']);
    assert.ok(
      existsSync(join(daemon.dataRoot, 'volumes/etcvol/_data/passwd')),
      'copy-up filled the new volume from the image',
    );
    await ok(['run', '--rm', '-v', 'emptyvol:/etc:nocopy', 'busybox', 'true']);
    assert.doesNotMatch(
      await ok(['run', '--rm', '-v', 'emptyvol:/v', 'busybox', 'ls', '-A', '/v']),
      /passwd/,
      'nocopy left the image content out',
    );
    // The container's /etc files stay visible over a volume on /etc (mounts sorted parents first).
    assert.match(await ok(['run', '--rm', '-v', 'etcvol:/etc', 'busybox', 'cat', '/etc/hostname']), /^[0-9a-f]{12}\n$/);
    // An existing, non-empty volume is never overwritten.
    await ok(['run', '--rm', '-v', 'etcvol:/etc', 'busybox', 'sh', '-c', 'echo mine > /etc/passwd']);
    assert.equal(await ok(['run', '--rm', '-v', 'etcvol:/etc', 'busybox', 'cat', '/etc/passwd']), 'mine\n');
    await ok(['rm', '-v', 'shapes']);
  },
);

test('rm -v removes anonymous volumes and keeps named ones; --rm does the same', { skip }, async () => {
  await ok([
    'run',
    '--name',
    'anon',
    '-v',
    '/scratch',
    '-v',
    'keepme:/keep',
    'busybox',
    'sh',
    '-c',
    'echo x > /scratch/f',
  ]);
  const anonName = (await mountsOf('anon')).find((m) => m.Destination === '/scratch')?.Name ?? '';
  const inspect = JSON.parse(await ok(['volume', 'inspect', anonName])) as { Labels: Record<string, string> }[];
  assert.deepEqual(inspect[0]?.Labels, { 'com.docker.volume.anonymous': '' });
  await ok(['rm', '-v', 'anon']);
  const names = await ok(['volume', 'ls', '-q']);
  assert.ok(!names.includes(anonName), 'anonymous volume removed');
  assert.ok(names.includes('keepme\n'), 'named volume kept');
  const before = (await ok(['volume', 'ls', '-q'])).split('\n').length;
  await ok(['run', '--rm', '-v', '/tmpdata', 'busybox', 'true']);
  assert.equal((await ok(['volume', 'ls', '-q'])).split('\n').length, before);
});

test("--volumes-from mounts the other container's volumes (ro when asked)", { skip }, async () => {
  await ok([
    'run',
    '--name',
    'source',
    '-v',
    'fromvol:/shared',
    '-v',
    '/anon2',
    'busybox',
    'sh',
    '-c',
    'echo shared > /shared/f; echo anon > /anon2/f',
  ]);
  assert.equal(
    await ok(['run', '--rm', '--volumes-from', 'source', 'busybox', 'cat', '/shared/f', '/anon2/f']),
    'shared\nanon\n',
  );
  const ro = await d(['run', '--rm', '--volumes-from', 'source:ro', 'busybox', 'touch', '/shared/g']);
  assert.match(ro.stderr, /Read-only file system/);
  const missing = await d(['run', '--rm', '--volumes-from', 'nosuch', 'busybox', 'true']);
  assert.equal(missing.code, 125);
  assert.match(missing.stderr, /No such container: nosuch/);
  await ok(['rm', '-v', 'source']);
});

test(
  "tmpfs and bind-device volumes mount while used; bad driver options fail with Docker's messages",
  { skip },
  async () => {
    await ok(['volume', 'create', '--opt', 'type=tmpfs', '--opt', 'device=tmpfs', '--opt', 'o=size=1m', 'tmpvol']);
    assert.match(await ok(['run', '--rm', '-v', 'tmpvol:/t', 'busybox', 'df', '/t']), /tmpfs\s+1024\s/);
    assert.ok(
      !readFileSync('/proc/mounts', 'utf8').includes(join(daemon.dataRoot, 'volumes/tmpvol')),
      'unmounted once no container uses it',
    );
    const host = mkdtempSync(join(tmpdir(), 'berth-voldev-'));
    try {
      writeFileSync(join(host, 'h'), 'from-host\n');
      await ok([
        'run',
        '--rm',
        '--mount',
        `type=volume,src=bindvol,dst=/b,volume-opt=type=none,volume-opt=o=bind,volume-opt=device=${host}`,
        'busybox',
        'cat',
        '/b/h',
      ]);
      assert.deepEqual(JSON.parse(await ok(['volume', 'inspect', '-f', '{{json .Options}}', 'bindvol'])), {
        device: host,
        o: 'bind',
        type: 'none',
      });
    } finally {
      rmSync(host, { recursive: true, force: true });
    }
    const cases: [string[], RegExp][] = [
      [
        ['volume', 'create', '--opt', 'foo=bar', 'bad1'],
        /^Error response from daemon: create bad1: invalid option: "foo"\n$/,
      ],
      [
        ['volume', 'create', '--opt', 'type=tmpfs', 'bad2'],
        /^Error response from daemon: create bad2: missing required option: "device"\n$/,
      ],
      [
        ['volume', 'create', '--driver', 'nope', 'bad3'],
        /create bad3: error looking up volume plugin nope: plugin "nope" not found/,
      ],
      [
        ['volume', 'create', 'bad name'],
        /create bad name: "bad name" includes invalid characters for a local volume name/,
      ],
    ];
    for (const [args, message] of cases) {
      for (const client of [docker, berth]) {
        const r = await client(daemon.env, args);
        assert.equal(r.code, 1, `${args.join(' ')}: ${r.stdout}`);
        assert.match(r.stderr, message);
      }
    }
    await ok([
      'volume',
      'create',
      '--opt',
      'type=none',
      '--opt',
      'o=bind',
      '--opt',
      'device=/nonexistent-berth',
      'baddev',
    ]);
    const r = await d(['run', '--rm', '-v', 'baddev:/x', 'busybox', 'true']);
    assert.notEqual(r.code, 0);
    assert.match(
      r.stderr,
      /error while mounting volume '.*baddev\/_data': failed to mount local volume: mount \/nonexistent-berth:.*no such file or directory/,
    );
    await ok(['volume', 'rm', 'baddev', 'tmpvol', 'bindvol']);
  },
);

test(
  "volume rm: in use is 409 with Docker's message, missing is 404; ls/inspect/rm/prune print as docker",
  { skip },
  async () => {
    await ok(['volume', 'create', '--label', 'team=a', 'lsvol']);
    const id = (await ok(['create', '-v', 'lsvol:/x', 'busybox', 'true'])).trim();
    for (const client of [docker, berth]) {
      const inUse = await client(daemon.env, ['volume', 'rm', 'lsvol']);
      assert.equal(inUse.code, 1);
      assert.equal(inUse.stderr, `Error response from daemon: remove lsvol: volume is in use - [${id}]\n`);
    }
    const missing = await d(['volume', 'rm', 'nosuchvol']);
    assert.equal(missing.stderr, 'Error response from daemon: get nosuchvol: no such volume\n');
    assert.equal((await d(['volume', 'rm', '-f', 'nosuchvol'])).code, 0);
    for (const args of [
      ['volume', 'ls'],
      ['volume', 'ls', '-q'],
      ['volume', 'ls', '-f', 'dangling=true'],
      ['volume', 'ls', '--filter', 'label=team=a'],
      ['volume', 'ls', '-f', 'name=ls'],
      ['volume', 'ls', '--format', '{{.Name}} {{.Driver}} {{.Scope}} {{.Labels}} {{.Mountpoint}}'],
      ['volume', 'ls', '--format', '{{json .}}'],
      ['volume', 'ls', '-f', 'bogus=1'],
      ['volume', 'inspect', 'lsvol'],
      ['volume', 'inspect', 'lsvol', 'nosuchvol'],
      ['volume', 'inspect', '-f', '{{.Name}} {{.Labels}}', 'lsvol'],
      ['volume', 'rm', 'nosuchvol', 'lsvol'],
    ])
      await same(daemon.env, args);
    assert.equal(await ok(['volume', 'ls', '-f', 'label=team=a']), 'DRIVER    VOLUME NAME\nlocal     lsvol\n');
    await ok(['rm', id]);
    // prune: anonymous only by default (API >= 1.42), all unused with -a.
    await ok(['create', '--name', 'pr', '-v', '/pruneme', 'busybox', 'true']);
    const anon = (await mountsOf('pr'))[0]?.Name ?? '';
    await ok(['rm', 'pr']);
    assert.equal(await ok(['volume', 'prune', '-f']), `Deleted Volumes:\n${anon}\n\nTotal reclaimed space: 0B\n`);
    const pruned = await ok(['volume', 'prune', '-af'], berth);
    assert.match(pruned, /^Deleted Volumes:\n(.*\n)*lsvol\n(.*\n)*\nTotal reclaimed space: \d/);
    assert.equal(await ok(['volume', 'ls', '-q']), '');
  },
);

test('system df counts volumes with their sizes and links', { skip }, async () => {
  await ok(['run', '--name', 'dfc', '-v', 'dfvol:/d', 'busybox', 'sh', '-c', 'head -c 5000 /dev/zero > /d/z']);
  const df = JSON.parse(
    await ok(['system', 'df', '--format', '{{json .}}']).then((s) => `[${s.trim().split('\n').join(',')}]`),
  ) as { Type: string; TotalCount: string; Active: string }[];
  const vols = df.find((r) => r.Type === 'Local Volumes');
  assert.ok(Number(vols?.TotalCount) >= 1 && Number(vols?.Active) >= 1, JSON.stringify(vols));
  assert.match(await ok(['system', 'df', '-v']), /dfvol\s+1\s+5kB/);
  await ok(['rm', 'dfc']);
  await ok(['volume', 'rm', 'dfvol']);
});

test('volume data survives container removal, a daemon restart and kill -9 of berthd', { skip }, async () => {
  await ok(['run', '--rm', '-v', 'durable:/d', 'busybox', 'sh', '-c', 'echo kept > /d/f']);
  await daemon.stop();
  await daemon.startAgain();
  assert.equal(await ok(['run', '--rm', '-v', 'durable:/d', 'busybox', 'cat', '/d/f']), 'kept\n');
  await ok(['volume', 'create', 'late']);
  await daemon.kill9();
  // What a crash can leave: a volume directory whose record was never written, a removal cut short.
  mkdirSync(join(daemon.dataRoot, 'volumes/orphan/_data'), { recursive: true });
  writeFileSync(join(daemon.dataRoot, 'volumes/orphan/_data/f'), 'kept too\n');
  mkdirSync(join(daemon.dataRoot, 'volumes/.removing-gone-1234/_data'), { recursive: true });
  await daemon.startAgain();
  assert.equal(await ok(['run', '--rm', '-v', 'orphan:/o', 'busybox', 'cat', '/o/f']), 'kept too\n');
  assert.ok(!existsSync(join(daemon.dataRoot, 'volumes/.removing-gone-1234')), 'an interrupted removal is finished');
  await ok(['volume', 'rm', 'orphan']);
  assert.equal(await ok(['run', '--rm', '-v', 'durable:/d', 'busybox', 'cat', '/d/f']), 'kept\n');
  const names = (await ok(['volume', 'ls', '-q'])).split('\n');
  assert.ok(names.includes('durable') && names.includes('late'), names.join(' '));
  await ok(['volume', 'rm', 'durable', 'late']);
  assert.ok(!existsSync(join(daemon.dataRoot, 'volumes/durable')));
});
