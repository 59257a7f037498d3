// Rootless berthd end to end: a user of the test's own making, the prerequisite check (missing subids named,
// then every prerequisite there), berthd started by that user with no flags for roots or socket, and the docker
// CLI run by that user: run, exit codes, exec, logs, volumes, cp, cgroup limits refused, info, a user network with
// DNS, a port published on 127.0.0.1 (rootlesskit's port driver), live restore after kill -9 of berthd and a host
// port already taken.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { get, request } from 'node:http';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { isRoot } from '../helpers/daemon.js';
import { testImages } from '../helpers/images.js';
import { openTerminal, type Terminal } from '../helpers/terminal.js';
import { registerCpEscapes } from '../helpers/cp-escape-suite.js';
import { hostileTrees, makeVictim } from '../fixtures/hostile-tars.js';
import { cpInto, loadLayer, throughEngines, type DockerCall } from '../helpers/hostile-engines.js';
import {
  asUser,
  asUserArgv,
  berthAs,
  createTestUser,
  dockerAs,
  ensureTunUsable,
  rootlesskitsOf,
  startRootlessDaemon,
  type RootlessDaemon,
  type TestUser,
} from '../helpers/rootless.js';
import { BERTHD } from '../helpers/daemon.js';

const skip = !isRoot() ? 'needs root to create a user' : false;

let user: TestUser;
let daemon: RootlessDaemon | undefined;

before(async () => {
  if (skip) return;
  ensureTunUsable();
  user = createTestUser();
});

after(async () => {
  if (skip) return;
  for (const t of terminals) t.close();
  await daemon?.stop();
  user.remove();
});

const ok = (r: { code: number | null; stdout: string; stderr: string }, what: string): string => {
  assert.equal(r.code, 0, `${what}: ${r.stderr}${r.stdout}`);
  return r.stdout;
};

test('without subuid/subgid ranges the check and berthd name what is missing and its fix', { skip }, async () => {
  user.removeSubIds();
  const check = await berthAs(user, ['rootless', 'check']);
  assert.equal(check.code, 1, check.stdout + check.stderr);
  assert.match(check.stdout, new RegExp(`missing: /etc/subuid gives ${user.name} no range`));
  assert.match(check.stdout, new RegExp(`missing: /etc/subgid gives ${user.name} no range`));
  assert.match(check.stdout, /fix: give .* \(as root: usermod --add-subuids/);
  const refused = await asUser(user, [process.execPath, BERTHD, '--dashboard', 'off']);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, new RegExp(`cannot run rootless as ${user.name}`));
  assert.match(refused.stderr, /missing: \/etc\/subuid gives .* no range/);
  assert.ok(!existsSync(join(user.runtimeDir, 'berth.sock')));
});

test('with the ranges every prerequisite is there', { skip }, async () => {
  user.addSubIds();
  const check = await berthAs(user, ['rootless', 'check']);
  assert.equal(check.code, 0, check.stdout + check.stderr);
  assert.match(check.stdout, /every prerequisite is there/);
  // What berthd will use, as berthd's start decides it: this host's rootlesskit 1.1 has no --net=pasta.
  assert.match(check.stdout, /^ {2}network: slirp4netns \(/m);
  assert.match(
    check.stdout,
    /^ {2}port driver: rootlesskit's builtin .* coming from 127\.0\.0\.1, not from the client/m,
  );
  const portStart = Number(readFileSync('/proc/sys/net/ipv4/ip_unprivileged_port_start', 'utf8'));
  if (portStart > 0)
    assert.match(
      check.stdout,
      new RegExp(`published host ports below ${portStart} are refused .*ip_unprivileged_port_start=80`),
    );
  const cgroupV2 = existsSync('/sys/fs/cgroup/cgroup.controllers');
  assert.match(check.stdout, new RegExp(`cgroups: v${cgroupV2 ? 2 : 1}: resource limits .* are refused`));
  assert.match(check.stdout, /storage: overlayfs in the user namespace/);
});

test('berthd started by the user runs rootless on its own roots and socket', { skip }, async () => {
  // Two berthds started at the same instant with no rootlesskit yet take turns at starting it: one rootlesskit
  // runs, the second berthd enters its namespaces and is refused by the data root's lock.
  const both = await Promise.allSettled([startRootlessDaemon(user), startRootlessDaemon(user)]);
  const started = both.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const refused = both.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : []));
  assert.equal(started.length, 1, refused.join('\n'));
  daemon = started[0] as RootlessDaemon;
  assert.match(refused[0] ?? '', /another berthd \(pid \d+\) is using data root/);
  assert.equal(rootlesskitsOf(user).length, 1, 'one rootlesskit for the user');
  assert.ok(existsSync(daemon.socketPath));
  assert.equal(statSync(daemon.socketPath).uid, user.uid);
  assert.equal(statSync(daemon.dataRoot).uid, user.uid);
  // berth finds the user's daemon with no BERTH_HOST or DOCKER_HOST.
  const info = ok(await berthAs(user, ['info', '--format', '{{json .SecurityOptions}}']), 'berth info');
  assert.ok((JSON.parse(info) as string[]).includes('name=rootless'), info);
  const rootDir = ok(await berthAs(user, ['info', '--format', '{{.DockerRootDir}}']), 'root dir');
  assert.equal(rootDir.trim(), daemon.dataRoot);
  // overlayfs mounted in the user namespace (userxattr), not the copying fallback.
  assert.equal(ok(await berthAs(user, ['info', '--format', '{{.Driver}}']), 'driver').trim(), 'overlay2');
});

const dockerEnv = (): NodeJS.ProcessEnv => ({ DOCKER_HOST: `unix://${daemon?.socketPath}` });
const dk = (args: string[], input?: string | Buffer) =>
  dockerAs(user, args, { env: dockerEnv(), ...(input === undefined ? {} : { input }) });

test('docker CLI: load, run with output and exit codes, as root of a mapped namespace', { skip }, async () => {
  const images = await testImages();
  ok(await dk(['load', '-i', images.busybox]), 'load');
  // One container prints, shows its uid map and its files' owners (uid 0 inside is the user outside, uid 1 inside
  // the first subuid, and the image's root-owned files are root's inside) and exits 7.
  const ran = await dk([
    'run',
    '--rm',
    'busybox',
    'sh',
    '-c',
    'echo hello rootless; stat -c %u:%g /bin/sh /tmp; cat /proc/self/uid_map; exit 7',
  ]);
  assert.equal(ran.code, 7, ran.stderr);
  const out = ran.stdout.split('\n');
  assert.deepEqual(out.slice(0, 3), ['hello rootless', '0:0', '0:0']);
  const rows = out
    .slice(3)
    .filter((l) => l.trim())
    .map((l) => l.trim().split(/\s+/).map(Number));
  assert.deepEqual(rows[0], [0, user.uid, 1]);
  assert.deepEqual(rows[1], [1, user.subuidStart(), 65536]);
  // A docker context pointing at the user's socket serves as DOCKER_HOST does (no DOCKER_HOST set here).
  const sock = `host=unix://${daemon?.socketPath}`;
  ok(await dockerAs(user, ['context', 'create', 'berth-rootless', '--docker', sock]), 'context create');
  const viaContext = await dockerAs(user, [
    '--context',
    'berth-rootless',
    'info',
    '--format',
    '{{json .SecurityOptions}}',
  ]);
  assert.ok((JSON.parse(ok(viaContext, 'info via context')) as string[]).includes('name=rootless'));
});

test(
  'a detached container runs as the user on the host; exec, logs, top and commit --pause=false work, stats and pause refused',
  { skip },
  async () => {
    const script = 'echo started; sleep 301 & exec sleep 300';
    ok(await dk(['run', '-d', '--name', 'sleeper', 'busybox', 'sh', '-c', script]), 'run -d');
    const pid = Number(ok(await dk(['inspect', '--format', '{{.State.Pid}}', 'sleeper']), 'inspect').trim());
    const hostUid = Number(/^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
    assert.equal(hostUid, user.uid);
    assert.equal(ok(await dk(['exec', 'sleeper', 'sh', '-c', 'echo from exec; id -u']), 'exec'), 'from exec\n0\n');
    const asNobody = await dk(['exec', '-u', '65534', 'sleeper', 'id', '-u']);
    assert.equal(ok(asNobody, 'exec -u'), '65534\n');
    const logs = await dk(['logs', 'sleeper']);
    assert.equal(ok(logs, 'logs'), 'started\n');
    // top without a cgroup: the processes of the container's pid namespace.
    const top = ok(await dk(['top', 'sleeper']), 'top');
    assert.match(top, /sleep 300/);
    assert.match(top, /sleep 301/);
    // Pausing freezes a cgroup, which the container has not: pause refused, and commit (which pauses by default)
    // names --pause=false, with which it commits the running container.
    const paused = await dk(['pause', 'sleeper']);
    assert.notEqual(paused.code, 0);
    assert.match(paused.stderr, /cannot pause container \w+: it has no cgroup of its own to freeze/);
    const committed = await dk(['commit', 'sleeper', 'rl-live']);
    assert.notEqual(committed.code, 0);
    assert.match(committed.stderr, /no cgroup of its own to freeze .*; commit it with --pause=false/);
    ok(await dk(['commit', '--pause=false', 'sleeper', 'rl-live']), 'commit --pause=false');
    ok(await dk(['rmi', 'rl-live']), 'rmi rl-live');
    const stats = await dk(['stats', '--no-stream', 'sleeper']);
    assert.notEqual(stats.code, 0);
    assert.match(stats.stderr, /stats are not available: berthd runs rootless and /);
    ok(await dk(['rm', '-f', 'sleeper']), 'rm -f');
    assert.throws(() => readFileSync(`/proc/${pid}/status`));
  },
);

test('volumes keep the owners a container sets, shifted into the subuid range on the host', { skip }, async () => {
  ok(await dk(['volume', 'create', 'data']), 'volume create');
  ok(
    await dk([
      'run',
      '--rm',
      '-v',
      'data:/data',
      'busybox',
      'sh',
      '-c',
      'echo kept > /data/f && chown 1000:1000 /data/f',
    ]),
    'write',
  );
  const read = ok(await dk(['run', '--rm', '-v', 'data:/data', 'busybox', 'stat', '-c', '%u %n', '/data/f']), 'stat');
  assert.equal(read, '1000 /data/f\n');
  const mountpoint = ok(await dk(['volume', 'inspect', '--format', '{{.Mountpoint}}', 'data']), 'inspect').trim();
  assert.ok(mountpoint.startsWith(daemon?.dataRoot ?? '/nowhere'), mountpoint);
  // uid 1000 inside is subuid start + 999 outside.
  assert.equal(statSync(join(mountpoint, 'f')).uid, user.subuidStart() + 999);
});

test('cp into and out of a container', { skip }, async () => {
  ok(await dk(['create', '--name', 'files', 'busybox', 'true']), 'create');
  ok(await asUser(user, ['sh', '-c', 'echo from host > "$HOME/in.txt"']), 'write host file');
  ok(await dk(['cp', join(user.home, 'in.txt'), 'files:/in.txt']), 'cp in');
  ok(await dk(['cp', 'files:/in.txt', join(user.home, 'out.txt')]), 'cp out');
  assert.equal(readFileSync(join(user.home, 'out.txt'), 'utf8'), 'from host\n');
  assert.equal(statSync(join(user.home, 'out.txt')).uid, user.uid);
  ok(await dk(['rm', 'files']), 'rm');
});

/** `tar -tv` lines of a tar the docker CLI writes to stdout, as `owner path` (numeric ids). */
const tarOwners = async (args: string[], paths: string[]): Promise<string> => {
  const cmd = `docker ${args.join(' ')} | tar -tv --numeric-owner -f - ${paths.join(' ')}`;
  const listing = ok(await asUser(user, ['sh', '-c', cmd], { env: dockerEnv() }), cmd);
  return listing
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .map((f) => `${f[1]} ${f[f.length - 1]}`)
    .join('\n');
};

test(
  'overlay rootless: commit keeps owners, whiteouts and opaque dirs; export and cp show them',
  { skip },
  async () => {
    const make = 'mkdir /data && echo old > /data/old && echo keep > /data/keep && chown 1000:1000 /data/keep';
    ok(await dk(['run', '--name', 'layer1', 'busybox', 'sh', '-c', make]), 'run layer1');
    ok(await dk(['commit', 'layer1', 'rl-layers:1']), 'commit 1');
    // A file deleted (whiteout) and a directory replaced (opaque) in the next layer.
    const change = 'rm /bin/true && rm -rf /data && mkdir /data && echo new > /data/new && chown 1000:2000 /data/new';
    ok(await dk(['run', '--name', 'layer2', 'rl-layers:1', 'sh', '-c', change]), 'run layer2');
    ok(await dk(['commit', 'layer2', 'rl-layers:2']), 'commit 2');
    ok(await dk(['rm', 'layer1', 'layer2']), 'rm');
    // Saved, removed and loaded again: the layers are unpacked anew, whiteouts and opaque dirs from `.wh.` entries.
    const saved = join(user.home, 'layers.tar');
    ok(await dk(['save', '-o', saved, 'rl-layers:2']), 'save');
    ok(await dk(['rmi', 'rl-layers:2', 'rl-layers:1']), 'rmi');
    ok(await dk(['load', '-i', saved]), 'load');
    const seen = ok(
      await dk([
        'run',
        '--rm',
        'rl-layers:2',
        'sh',
        '-c',
        'ls /data; stat -c %u:%g /data/new; ls /bin/true || echo gone',
      ]),
      'run layer 2',
    );
    assert.equal(seen, 'new\n1000:2000\ngone\n');
    ok(await dk(['create', '--name', 'exported', 'rl-layers:2']), 'create');
    assert.equal(await tarOwners(['export', 'exported'], ['data/new']), '1000/2000 data/new');
    assert.equal(await tarOwners(['cp', 'exported:/data/new', '-'], ['new']), '1000/2000 new');
    ok(await dk(['rm', 'exported']), 'rm exported');
    // On the host the layer's files belong to the mapped ids: uid 1000 inside is subuid start + 999.
    const snapshots = join(daemon?.dataRoot ?? '/nowhere', 'snapshots', 'snapshots');
    const hostOwners = readdirSync(snapshots)
      .map((d) => join(snapshots, d, 'fs', 'data', 'new'))
      .filter((f) => existsSync(f))
      .map((f) => `${statSync(f).uid}:${statSync(f).gid}`);
    assert.ok(hostOwners.length > 0, 'no snapshot holds data/new');
    for (const o of hostOwners) assert.equal(o, `${user.subuidStart() + 999}:${user.subgidStart() + 1999}`);
    ok(await dk(['rmi', 'rl-layers:2']), 'rmi');
  },
);

/** One shell word. */
const quote = (s: string): string => `'${s.replaceAll("'", `'\\''`)}'`;
const terminals: Terminal[] = [];

/** The docker CLI as the user in a real terminal (tmux). */
const dockerTerm = (args: string[]): Terminal => {
  const argv = ['setpriv', ...asUserArgv(user, ['docker', ...args], dockerEnv())];
  const t = openTerminal(argv.map(quote).join(' '), { PATH: process.env.PATH });
  terminals.push(t);
  return t;
};

test('run -it in a terminal: a pts, ctrl-p ctrl-q detaches, attach comes back, exit code', { skip }, async () => {
  const t = dockerTerm(['run', '-it', '--name', 'tty', 'busybox', 'sh']);
  await t.waitFor(/\/ # $/m);
  t.send('tty; echo in-$((40+2))', 'Enter');
  await t.waitFor(/^\/dev\/pts\/\d+\nin-42$/m);
  t.send('C-p', 'C-q');
  await t.waitFor(/EXITED=0/);
  assert.equal(ok(await dk(['inspect', '-f', '{{.State.Running}}', 'tty']), 'inspect').trim(), 'true');
  const again = dockerTerm(['attach', 'tty']);
  // The prompt is not redrawn on attach: type until the answer shows (bounded).
  for (let attempt = 0; ; attempt++) {
    again.send('echo back-$((6*7))', 'Enter');
    try {
      await again.waitFor(/^back-42$/m, 2000);
      break;
    } catch (err) {
      if (attempt >= 8) throw err;
    }
  }
  again.send('exit 3', 'Enter');
  await again.waitFor(/EXITED=3/);
  assert.equal(ok(await dk(['inspect', '-f', '{{.State.ExitCode}}', 'tty']), 'exit code').trim(), '3');
  ok(await dk(['rm', 'tty']), 'rm');
});

test('build (classic): COPY and RUN rootless, a replaced directory and the owners RUN set', { skip }, async () => {
  const ctx = join(user.home, 'ctx');
  mkdirSync(ctx);
  writeFileSync(join(ctx, 'hello.txt'), 'hi\n');
  writeFileSync(
    join(ctx, 'Dockerfile'),
    [
      'FROM busybox',
      'COPY hello.txt /hello.txt',
      'RUN rm -rf /home && mkdir /home && echo built > /home/f && chown 1000:1000 /home/f',
      'CMD ["sh", "-c", "cat /hello.txt; ls /home; stat -c %u /home/f"]',
    ].join('\n'),
  );
  execFileSync('chown', ['-R', `${user.uid}:${user.gid}`, ctx]);
  const built = await dockerAs(user, ['build', '-t', 'rl-built', ctx], {
    env: { ...dockerEnv(), DOCKER_BUILDKIT: '0' },
  });
  ok(built, 'build');
  assert.equal(ok(await dk(['run', '--rm', 'rl-built']), 'run built'), 'hi\nf\n1000\n');
});

test('push to and pull from a registry container published on 127.0.0.1', { skip }, async () => {
  // The way a local registry is usually run (docker run -p 127.0.0.1:5000:5000 registry): Debian's docker-registry
  // (Docker's distribution registry) in a busybox container, its binary and loader bound in. berthd's own 127.0.0.1
  // is its network namespace's: its push and pull take berth's OUTPUT DNAT to the container, as rootlesskit does.
  const port = await freeHostPort();
  const config = join(user.home, 'registry.yml');
  writeFileSync(
    config,
    'version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: /var/lib/registry\nhttp:\n  addr: :5000\n',
  );
  const bind = (path: string): string[] => ['-v', `${realpathSync(path)}:${path}:ro`];
  // The binary and the shared objects ldd names (libc and the loader), wherever this architecture keeps them.
  const libraries = [...execFileSync('ldd', ['/usr/bin/docker-registry'], { encoding: 'utf8' }).matchAll(/(\/\S+)/g)];
  const binary = ['/usr/bin/docker-registry', ...libraries.map((m) => m[1] as string)];
  ok(
    await dk([
      'run',
      '-d',
      '--name',
      'registry',
      '-p',
      `127.0.0.1:${port}:5000`,
      ...binary.flatMap(bind),
      '-v',
      `${config}:/etc/registry.yml:ro`,
      'busybox',
      '/usr/bin/docker-registry',
      'serve',
      '/etc/registry.yml',
    ]),
    'run registry',
  );
  try {
    // The registry listens a moment after the start: ask from the host until it answers (bounded).
    let answered = false;
    for (let i = 0; i < 50 && !answered; i++) answered = (await httpGet(port, '/v2/')) !== undefined;
    assert.ok(answered, 'the registry container answers on the host');
    const ref = `127.0.0.1:${port}/rootless/built:1`;
    const id = ok(await dk(['inspect', '--format', '{{.Id}}', 'rl-built']), 'inspect built');
    ok(await dk(['tag', 'rl-built', ref]), 'tag');
    ok(await dk(['push', ref]), 'push');
    ok(await dk(['rmi', ref, 'rl-built']), 'rmi');
    const pulled = ok(await dk(['pull', ref]), 'pull');
    assert.match(pulled, /Downloaded newer image/);
    // The same image back (its id is its config's digest), with no copy of it left before the pull.
    assert.equal(ok(await dk(['inspect', '--format', '{{.Id}}', ref]), 'inspect pulled'), id);
    ok(await dk(['rmi', ref]), 'rmi pulled');
  } finally {
    await dk(['rm', '-f', 'registry']);
  }
});

test(
  'the hostile-tree corpus through cp and load: a host directory the user owns stays untouched',
  { skip },
  async () => {
    // The victim belongs to the user, so only confinement (not host permissions) keeps the daemon off it. cp
    // extracts into a container's rootfs, load into a layer snapshot (import takes the same path as load).
    const victim = makeVictim();
    try {
      execFileSync('chown', ['-R', `${user.uid}:${user.gid}`, victim.dir]);
      const cases = await hostileTrees(victim.dir);
      const dkCall: DockerCall = (args, options) => dk(args, options?.input);
      const rootless = [{ name: 'berth' as const, env: dockerEnv() }];
      // cp and load side by side: each checks the victim after every case, and the daemon serves both at once.
      // cp takes three CLI calls a case (create, cp, rm), load one: cp's cases in two lanes (container names by
      // the case's index in the whole corpus, so the lanes never share one).
      const half = Math.ceil(cases.length / 2);
      const cpLane = (from: number, to: number) =>
        throughEngines(rootless, victim.dir, 'rootless cp', async (_env, c, i) => cpInto(dkCall, c, from + i), {
          cases: cases.slice(from, to),
          confinedSucceeds: false,
        });
      await Promise.all([
        cpLane(0, half),
        cpLane(half, cases.length),
        throughEngines(rootless, victim.dir, 'rootless load', async (_env, c) => loadLayer(dkCall, c), { cases }),
      ]);
    } finally {
      victim.cleanup();
    }
  },
);

// The cp escape corpus against the rootless daemon, at a host directory the user owns.
registerCpEscapes(
  skip,
  () => ({
    socketPath: daemon?.socketPath ?? '/nowhere',
    docker: (args) => dk(args),
    berth: (args) => berthAs(user, args),
    owner: { uid: user.uid, gid: user.gid },
    // cp-escapes.test.ts runs the race 25 rounds rootful through the same code path; here it proves the rootless
    // daemon's confinement, for which a few rounds of every path do.
    raceRounds: 3,
  }),
  'rootless: ',
);

test(
  'cgroup limits are refused by name with the reason (v1 cannot be delegated, v2 is not used yet)',
  { skip },
  async () => {
    const reason = existsSync('/sys/fs/cgroup/cgroup.controllers')
      ? 'does not yet place containers in a cgroup v2 subtree delegated'
      : 'this host has cgroup v1, which cannot be delegated';
    const refused = await dk(['run', '--rm', '-m', '64m', 'busybox', 'true']);
    assert.equal(refused.code, 125);
    assert.match(
      refused.stderr,
      new RegExp(`Memory: resource limits are not available: berthd runs rootless .*${reason}`),
    );
    const pids = await dk(['run', '--rm', '--pids-limit', '10', 'busybox', 'true']);
    assert.match(pids.stderr, /PidsLimit: resource limits are not available/);
    ok(await dk(['create', '--name', 'limited', 'busybox', 'true']), 'create');
    const update = await dk(['update', '--cpus', '1', 'limited']);
    assert.notEqual(update.code, 0);
    assert.match(update.stderr, /NanoCpus: resource limits are not available/);
    ok(await dk(['rm', 'limited']), 'rm');
  },
);

test('a user network: containers find each other by name through the embedded DNS', { skip }, async () => {
  ok(await dk(['network', 'create', 'backend']), 'network create');
  ok(await dk(['run', '-d', '--name', 'db', '--network', 'backend', 'busybox', 'sleep', '300']), 'run db');
  const dbIp = ok(
    await dk(['inspect', '--format', '{{.NetworkSettings.Networks.backend.IPAddress}}', 'db']),
    'inspect',
  ).trim();
  // One container asks the name and reaches the address (ping fails, and so the run, when it cannot).
  const lookup = ok(
    await dk(['run', '--rm', '--network', 'backend', 'busybox', 'sh', '-c', 'nslookup db && ping -c 1 -W 5 db']),
    'nslookup and ping',
  );
  assert.match(lookup, new RegExp(`Address:\\s+${dbIp.replaceAll('.', '\\.')}`));
  assert.match(lookup, /1 packets received/);
  ok(await dk(['rm', '-f', 'db']), 'rm');
  ok(await dk(['network', 'rm', 'backend']), 'network rm');
});

/** GET over TCP from the host (the test runs outside every namespace); undefined while nothing answers. */
const httpGet = (port: number, path = '/index.html', host = '127.0.0.1'): Promise<string | undefined> =>
  new Promise((resolve) => {
    const req = get({ host, port, path, timeout: 2000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve(body));
    });
    req.on('error', () => resolve(undefined));
    req.on('timeout', () => req.destroy());
  });

let webPort = 0;
let otherAddressPort = 0;

/** The host's first global IPv4 address (not loopback), if it has one. */
const hostAddress = (): string | undefined =>
  /inet (\d+\.\d+\.\d+\.\d+)\//.exec(
    execFileSync('ip', ['-o', '-4', 'addr', 'show', 'scope', 'global'], { encoding: 'utf8' }),
  )?.[1];

/** Local addresses with a listener on this TCP port on the host (ss). */
const listenersOn = (port: number): string[] =>
  execFileSync('ss', ['-Hltn', `sport = :${port}`], { encoding: 'utf8' })
    .split('\n')
    .map((l) => l.trim().split(/\s+/)[3] ?? '')
    .filter(Boolean);

test(
  'ports published on 127.0.0.1, on another address and on the host address reach the container',
  { skip },
  async () => {
    webPort = await freeHostPort();
    otherAddressPort = await freeHostPort();
    const lan = hostAddress();
    const lanPort = await freeHostPort();
    // httpd not as pid 1, so that stop's SIGTERM ends the container at once (exit 0) instead of after 10 s.
    const script = 'echo served > /index.html; echo started; trap "exit 0" TERM; httpd -f -p 80 & wait';
    const publish = ['-p', `127.0.0.1:${webPort}:80`, '-p', `127.0.0.2:${otherAddressPort}:80`];
    if (lan) publish.push('-p', `${lan}:${lanPort}:80`);
    ok(await dk(['run', '-d', '--name', 'web', ...publish, 'busybox', 'sh', '-c', script]), 'run');
    // httpd listens a moment after the start: ask until it answers (bounded).
    let body: string | undefined;
    for (let i = 0; i < 50 && body === undefined; i++) body = await httpGet(webPort);
    assert.equal(body, 'served\n');
    // rootlesskit listens on the address published and connects to 127.0.0.1 in the namespace: berth's rule there
    // matches 127.0.0.1 (the namespace has none of the host's addresses).
    assert.equal(await httpGet(otherAddressPort, '/index.html', '127.0.0.2'), 'served\n');
    // The host's own address: no traffic sent to it (tests talk to loopback only); rootlesskit listens there.
    if (lan) assert.deepEqual(listenersOn(lanPort), [`${lan}:${lanPort}`]);
    assert.ok(
      ok(await dk(['port', 'web', '80/tcp']), 'port')
        .split('\n')
        .includes(`127.0.0.1:${webPort}`),
    );
  },
);

test(
  'live restore: after kill -9 of berthd the container and its port live on, the next berthd adopts them',
  { skip },
  async () => {
    const before = daemon as RootlessDaemon;
    const holder = before.namespacePid();
    const exited = once(before.process, 'exit');
    process.kill(before.daemonPid(), 'SIGKILL');
    assert.deepEqual((await exited)[0], 128 + 9);
    // rootlesskit's port driver and the container's network live in the holder's namespaces, not in berthd.
    assert.equal(await httpGet(webPort), 'served\n');
    daemon = await startRootlessDaemon(user);
    assert.equal(daemon.namespacePid(), holder, 'the restarted berthd entered the same namespaces');
    assert.match(ok(await dk(['ps', '--filter', 'name=web', '--format', '{{.Status}}']), 'ps'), /^Up /);
    assert.equal(ok(await dk(['logs', 'web']), 'logs'), 'started\n');
    // exec joins the container's namespaces: only possible from the same user namespace.
    assert.equal(ok(await dk(['exec', 'web', 'cat', '/index.html']), 'exec'), 'served\n');
    assert.equal(await httpGet(webPort), 'served\n');
  },
);

test('a host port already taken is refused at start with the reason', { skip }, async () => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  try {
    const r = await dk(['run', '-d', '--name', 'clash', '-p', `127.0.0.1:${port}:80`, 'busybox', 'sleep', '300']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /address already in use/);
    // web's host port on 127.0.0.2, on 127.0.0.3: both would meet on 127.0.0.1 in the namespace.
    const twice = await dk([
      'run',
      '-d',
      '--name',
      'clash2',
      '-p',
      `127.0.0.3:${otherAddressPort}:80`,
      'busybox',
      'true',
    ]);
    assert.notEqual(twice.code, 0);
    assert.match(
      twice.stderr,
      new RegExp(`host port ${otherAddressPort}/tcp on 127\\.0\\.0\\.3 rootless: it is published on 127\\.0\\.0\\.2`),
    );
    assert.equal(await httpGet(otherAddressPort, '/index.html', '127.0.0.2'), 'served\n');
  } finally {
    server.close();
    await dk(['rm', '-f', 'clash', 'clash2']);
  }
});

test('a host port below the unprivileged port start is refused with the sysctl that allows it', { skip }, async () => {
  const portStart = Number(readFileSync('/proc/sys/net/ipv4/ip_unprivileged_port_start', 'utf8'));
  const port = await freeHostPort(1000);
  const r = await dk(['run', '-d', '--name', 'low', '-p', `127.0.0.1:${port}:80`, 'busybox', 'sleep', '300']);
  try {
    if (port < portStart) {
      assert.notEqual(r.code, 0);
      assert.match(
        r.stderr,
        new RegExp(`cannot publish host port ${port} rootless: .*net\\.ipv4\\.ip_unprivileged_port_start`),
      );
      assert.match(r.stderr, new RegExp(`sysctl -w net\\.ipv4\\.ip_unprivileged_port_start=${port} `));
    } else ok(r, 'run with a low port where the host allows it');
  } finally {
    await dk(['rm', '-f', 'low']);
  }
});

/** A free port on the host's 127.0.0.1 (the test is root: below 1024 too), from `from` on; 0: the kernel's pick. */
async function freeHostPort(from = 0): Promise<number> {
  for (let port = from; from > 0 && port < 1024; port++) {
    const server = createServer();
    const bound = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (bound) {
      await new Promise((resolve) => server.close(resolve));
      return port;
    }
  }
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** POST /containers/NAME/wait on the daemon's socket: resolves once the wait is in place (the headers came), with
 *  the exit code to come. */
const waitInPlace = (name: string): Promise<{ exitCode: Promise<number> }> =>
  new Promise((resolve, reject) => {
    const req = request({ socketPath: daemon?.socketPath, method: 'POST', path: `/containers/${name}/wait` }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      const exitCode = once(res, 'end').then(() => (JSON.parse(body) as { StatusCode: number }).StatusCode);
      resolve({ exitCode });
    });
    req.on('error', reject);
    req.end();
  });

test(
  'berth rootless stop: running containers stopped as docker stop does, then berthd and rootlesskit end',
  { skip },
  async () => {
    const stopping = daemon as RootlessDaemon;
    const exited = once(stopping.process, 'exit');
    const wait = await waitInPlace('web');
    const stopped = ok(await berthAs(user, ['rootless', 'stop']), 'rootless stop');
    assert.equal(stopped, 'web\nrootless berthd stopped\n');
    // web's TERM trap exits 0: stopped by its stop signal, not killed after the timeout (137).
    assert.equal(await wait.exitCode, 0);
    assert.deepEqual((await exited)[0], 0);
    assert.deepEqual(rootlesskitsOf(user), []);
    assert.ok(!existsSync(join(user.runtimeDir, 'berth.sock')));
    assert.equal(await httpGet(webPort), undefined);
    assert.equal(ok(await berthAs(user, ['rootless', 'stop']), 'again'), 'no rootless berthd runs for this user\n');
  },
);
