// `berth compose` against Docker's engine and berthd side by side (each scenario runs on both at once, one daemon pair
// for the file), the rest of the corpus: interpolation and env files, profiles, scale, an attached `up`, secrets and
// configs, per-service options, an override file; one-off `run`, `exec`, and the verbs that act on a project's
// containers (images built from `build:` and the registry verbs are in compose.test.ts; docker-compose 1.29 runs the
// corpus in clients-compose.test.ts).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { writeFileSync, readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkOptions, checkRuntimeOptions, useComposeEngines, type Side } from './compose-harness.js';
import { BERTH } from '../helpers/daemon.js';
import { berth, docker, run, type RunResult } from '../helpers/run.js';

const scenario = useComposeEngines();

scenario('interpolation: the environment, .env, defaults, env_file and $$', async (s) => {
  await s.ok('interpolation', ['up', '-d'], { FROM_SHELL_ONLY: 'unused' });
  const env = (await s.exec('interpolation-env-1', ['env'])).stdout;
  for (const line of [
    'GREETING=hello from dotenv',
    'FALLBACK=fallback',
    'LITERAL=$HOME',
    'FROM_FILE=file value',
    'FROM_FILE_OVERRIDDEN=from-environment',
    'QUOTED=a hello from dotenv b',
  ])
    assert.ok(env.split('\n').includes(line), `${line} in:\n${env}`);
  assert.equal(
    await s.inspect('interpolation-env-1', '{{index .Config.Labels "berth.test/greeting"}}'),
    'hello from dotenv',
  );
  // The shell's environment wins over .env.
  const config = (await s.ok('interpolation', ['config'], { GREETING: 'from shell' })).stdout;
  assert.match(config, /GREETING: from shell/);
  await s.downClean('interpolation', 'interpolation');
});

scenario('profiles: a service with a profile runs only when it is enabled', async (s) => {
  await s.ok('profiles', ['up', '-d']);
  assert.deepEqual((await s.ok('profiles', ['ps', '--services'])).stdout, 'main\n');
  await s.ok('profiles', ['--profile', 'debug', 'up', '-d']);
  assert.deepEqual((await s.ok('profiles', ['ps', '--services'])).stdout, 'debug\nmain\n');
  await s.ok('profiles', ['--profile', 'debug', 'down', '-v']);
  assert.deepEqual(await s.leftovers('profiles'), []);
});

scenario('scale: deploy.replicas makes numbered containers that answer to the service name; up --scale', async (s) => {
  await s.ok('scale', ['up', '-d']);
  const names = (
    await s.dockerOk(['ps', '--filter', 'label=com.docker.compose.service=worker', '--format', '{{.Names}}'])
  )
    .split('\n')
    .filter(Boolean)
    .sort();
  assert.deepEqual(names, ['scale-worker-1', 'scale-worker-2', 'scale-worker-3']);
  const lookup = await s.exec('scale-probe-1', ['nslookup', 'worker']);
  const addresses = lookup.stdout
    .split('\n')
    .filter((l) => /^Address:?\s+\d+\.\d+\.\d+\.\d+$/.test(l.trim()) && !/:53$/.test(l));
  assert.ok(addresses.length >= 3, lookup.stdout + lookup.stderr);
  // --scale overrides deploy.replicas for this run: the highest numbers go, a new one comes; nothing else touched.
  const probeId = await s.inspect('scale-probe-1', '{{.Id}}');
  await s.ok('scale', ['up', '-d', '--scale', 'worker=1', '--scale', 'probe=2']);
  const running = (
    await s.dockerOk(['ps', '--filter', 'label=com.docker.compose.project=scale', '--format', '{{.Names}}'])
  )
    .split('\n')
    .filter(Boolean)
    .sort();
  assert.deepEqual(running, ['scale-probe-1', 'scale-probe-2', 'scale-worker-1']);
  assert.equal(await s.inspect('scale-probe-1', '{{.Id}}'), probeId);
  await s.downClean('scale', 'scale');
});

scenario('attached up: service_completed_successfully, logs followed until every container exited', async (s) => {
  const r = await s.ok('attached', ['up', '--no-color']);
  assert.match(r.stdout, /^app-1 +\| migrated$/m);
  assert.match(r.stdout, /^app-1 +\| app done$/m);
  assert.match(r.stdout, /^app-1 exited with code 0$/m);
  assert.match(r.stdout, /^migrate-1 exited with code 0$/m);
  assert.equal(await s.inspect('attached-migrate-1', '{{.State.ExitCode}}'), '0');
  assert.deepEqual((await s.ok('attached', ['config', '--volumes'])).stdout, 'shared\n');
  await s.downClean('attached', 'attached');
});

scenario('secrets and configs: file sources bound read-only, environment and inline ones written in', async (s) => {
  await s.ok('secrets', ['up', '-d']);
  const cat = async (path: string): Promise<string> => {
    const r = await s.exec('secrets-app-1', ['cat', path]);
    assert.equal(r.code, 0, `${path}: ${r.stderr}`);
    return r.stdout;
  };
  assert.equal(await cat('/run/secrets/db_password'), 'hunter2\n');
  assert.equal(await cat('/run/secrets/api.key'), 'key-from-dotenv');
  assert.equal(await cat('/app_conf'), 'setting=1\n');
  assert.equal(await cat('/etc/inline.conf'), 'inline=yes');
  const modes = await s.exec('secrets-app-1', ['stat', '-c', '%a %n', '/run/secrets/api.key', '/etc/inline.conf']);
  assert.equal(modes.stdout, '400 /run/secrets/api.key\n440 /etc/inline.conf\n');
  const write = await s.exec('secrets-app-1', ['sh', '-c', 'echo x > /run/secrets/db_password']);
  assert.notEqual(write.code, 0, 'a file secret is read-only');
  await s.downClean('secrets', 'secrets');
});

scenario(
  'per-service options (dns, sysctls, ulimits, logging, devices, deploy.resources too); an override file',
  async (s) => {
    const up = await s.ok('options', ['up', '-d']);
    // Accepted (as Compose v2), not applied, and named.
    assert.match(up.stderr, /WARN\[0000\] services\.app\.deploy\.resources\.reservations\.cpus is not applied/);
    await checkOptions(s, 'options-app-1');
    assert.equal(
      await s.inspect('options-app-1', '{{.HostConfig.Dns}} {{.HostConfig.DnsSearch}} {{.HostConfig.DnsOptions}}'),
      '[10.9.8.53] [corp.example] [ndots:2]',
    );
    // PID 1's limits (an exec'd process gets its soft nofile from the engine: dockerd 20.10 raises it to the hard one).
    const limits = await s.exec('options-app-1', [
      'sh',
      '-c',
      'cat /proc/sys/net/core/somaxconn; grep "open files" /proc/1/limits',
    ]);
    assert.match(limits.stdout, /^511\nMax open files +1000 +2000 +files *\n$/, limits.stderr);
    await checkRuntimeOptions(s, 'options-app-1');
    await s.downClean('options', 'options');
    // A log driver no engine has: Docker's refusal (a plugin it cannot find) on both, and nothing left once down.
    const refused = await s.compose('options', ['up', '-d'], { LOG_DRIVER: 'berth-no-such-driver' });
    assert.notEqual(refused.code, 0);
    assert.match(
      refused.stderr,
      /Error response from daemon: error looking up logging plugin berth-no-such-driver: plugin "berth-no-such-driver" not found/,
    );
    await s.downClean('options', 'options');

    const override = ['-f', join(s.corpus, 'override/compose.override.yaml')];
    await s.ok('override', [...override, 'up', '-d']);
    const web = await s.exec('override-probe-1', ['wget', '-qO-', 'http://web/']);
    assert.equal(web.stdout, 'base override\n', web.stderr);
    assert.equal(
      await s.inspect('override-probe-1', '{{.HostConfig.PidsLimit}} {{json .HostConfig.Devices}}'),
      '50 [{"PathOnHost":"/dev/zero","PathInContainer":"/dev/berth-zero","CgroupPermissions":"rwm"}]',
    );
    await s.ok('override', [...override, 'down', '-v']);
    assert.deepEqual(await s.leftovers('override'), []);
  },
);

scenario('run: one-off containers, --rm, -e, --service-ports, --no-deps, exit codes; down removes them', async (s) => {
  const r = await s.ok('oneoff', ['run', '--rm', '-e', 'EXTRA=given', 'task', 'sh', '-c', 'echo $FROM_FILE $EXTRA']);
  assert.equal(r.stdout, 'file given\n');
  // Its dependency came up first.
  assert.equal(await s.inspect('oneoff-db-1', '{{.State.Status}}'), 'running');
  const failed = await s.compose('oneoff', ['run', '--rm', '--no-deps', 'task', 'sh', '-c', 'exit 7']);
  assert.equal(failed.code, 7);
  const detached = (await s.ok('oneoff', ['run', '-d', '--service-ports', 'task', 'sleep', '3600'])).stdout.trim();
  assert.match(detached, /^oneoff-task-run-[0-9a-f]{12}$/);
  const labels = JSON.parse(await s.inspect(detached, '{{json .Config.Labels}}')) as Record<string, string>;
  assert.equal(labels['com.docker.compose.oneoff'], 'True');
  assert.equal(labels['com.docker.compose.service'], 'task');
  assert.match(labels['com.docker.compose.slug'] ?? '', new RegExp(`^${detached.slice(-12)}[0-9a-f]{52}$`));
  assert.match((await s.dockerOk(['port', detached, '8080/tcp'])).trim(), /^127\.0\.0\.1:\d+$/);
  // The one-off container reaches the service by name on the project's network.
  const page = await s.exec(detached, ['wget', '-qO-', 'http://db/']);
  assert.equal(page.stdout, 'db answers\n', page.stderr);
  const withoutPorts = (await s.ok('oneoff', ['run', '-d', 'task', 'sleep', '3600'])).stdout.trim();
  assert.equal(await s.dockerOk(['port', withoutPorts]), '', 'no --service-ports: nothing published');
  // `ps` lists one-off containers too (as Compose v2); down takes them as well.
  assert.deepEqual((await s.ok('oneoff', ['ps', '--services'])).stdout, 'db\ntask\n');
  await s.downClean('oneoff', 'oneoff');
});

/** `berth compose events --json web`, running until stopped; `start` settles with the first start event it prints. */
function followEvents(s: Side): { start: Promise<Record<string, unknown>>; stop(): void } {
  const events = spawn(
    process.execPath,
    [BERTH, 'compose', '-f', join(s.corpus, 'verbs/compose.yaml'), 'events', '--json', 'web'],
    { env: s.engine.env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const start = new Promise<Record<string, unknown>>((resolve) => {
    createInterface({ input: events.stdout }).on('line', (line) => {
      const e = JSON.parse(line) as Record<string, unknown>;
      if (e.action === 'start') resolve(e);
    });
  });
  return { start, stop: () => events.kill() };
}

scenario(
  'exec, restart, events, kill, pause, unpause, images, top, port, cp, wait, ls, version; up --abort-on-container-exit, --exit-code-from',
  async (s) => {
    await s.ok('verbs', ['up', '-d', 'web']);
    // Opened now, the events stream is connected long before the restart below (and a restart is repeated if not).
    const events = followEvents(s);
    const e = await s.ok('verbs', [
      'exec',
      '-T',
      '-e',
      'X=y',
      '--index',
      '2',
      'web',
      'sh',
      '-c',
      'echo $X $(pwd) $(hostname)',
    ]);
    const id2 = (await s.inspect('verbs-web-2', '{{.Id}}')).slice(0, 12);
    assert.equal(e.stdout, `y /www ${id2}\n`);
    assert.equal((await s.ok('verbs', ['exec', '-T', '-w', '/tmp', 'web', 'pwd'])).stdout, '/tmp\n');
    assert.equal((await s.compose('verbs', ['exec', '-T', 'web', 'sh', '-c', 'exit 4'])).code, 4);
    const started = await s.inspect('verbs-web-1', '{{.State.StartedAt}}');
    await s.ok('verbs', ['restart', 'web']);
    assert.notEqual(await s.inspect('verbs-web-1', '{{.State.StartedAt}}'), started);
    try {
      let event = await Promise.race([events.start, s.ok('verbs', ['top', 'web']).then(() => undefined)]);
      for (let i = 0; i < 10 && !event; i++) {
        await s.ok('verbs', ['restart', 'web']);
        event = await Promise.race([events.start, s.ok('verbs', ['top', 'web']).then(() => undefined)]);
      }
      assert.ok(event, 'a start event');
      assert.equal(event.type, 'container');
      assert.equal(event.service, 'web');
      assert.match(String(event.id), /^[0-9a-f]{64}$/);
      assert.match(String((event.attributes as Record<string, string>).name), /^verbs-web-[12]$/);
    } finally {
      events.stop();
    }
    await s.ok('verbs', ['pause', 'web']);
    assert.equal(await s.inspect('verbs-web-1', '{{.State.Status}}'), 'paused');
    await s.ok('verbs', ['unpause']);
    assert.equal(await s.inspect('verbs-web-2', '{{.State.Status}}'), 'running');
    const images = (await s.ok('verbs', ['images'])).stdout;
    assert.match(images, /^CONTAINER\s+REPOSITORY\s+TAG\s+IMAGE ID\s+SIZE\n/);
    assert.match(images, /^verbs-web-1\s+busybox\s+latest\s+[0-9a-f]{12}\s+\S+/m);
    const top = (await s.ok('verbs', ['top', 'web'])).stdout;
    assert.match(top, /^verbs-web-1\n/m);
    assert.match(top, /httpd -f -p 8080/);
    const port = (await s.ok('verbs', ['port', '--index', '2', 'web', '8080'])).stdout.trim();
    assert.equal(port, (await s.dockerOk(['port', 'verbs-web-2', '8080/tcp'])).trim());
    const local = mkdtempSync(join(tmpdir(), 'berth-compose-cp-'));
    try {
      await s.ok('verbs', ['cp', 'web:/www/index.html', join(local, 'got.html')]);
      assert.equal(readFileSync(join(local, 'got.html'), 'utf8'), 'web\n');
      writeFileSync(join(local, 'put.txt'), 'put\n');
      await s.ok('verbs', ['cp', join(local, 'put.txt'), 'web:/tmp/put.txt']);
      assert.equal((await s.exec('verbs-web-1', ['cat', '/tmp/put.txt'])).stdout, 'put\n');
    } finally {
      rmSync(local, { recursive: true, force: true });
    }
    const ls = (await s.ok('verbs', ['ls'])).stdout;
    assert.match(ls, new RegExp(`^verbs\\s+running\\(2\\)\\s+${join(s.corpus, 'verbs/compose.yaml')}$`, 'm'));
    assert.match((await s.ok('verbs', ['version'])).stdout, /^berth compose version \S+\n$/);
    await s.ok('verbs', ['kill', '-s', 'SIGKILL', 'web']);
    assert.equal(await s.inspect('verbs-web-1', '{{.State.ExitCode}}'), '137');
    await s.ok('verbs', ['up', '-d', 'job']);
    const waited = await s.compose('verbs', ['wait', 'job']);
    assert.equal(waited.code, 3, waited.stderr);
    assert.match(waited.stdout, /^container "[0-9a-f]{64}" exited with status code 3\n$/);
    // Attached up: job's exit (3) stops the project (web too) and is up's exit code; --exit-code-from web gives web's
    // code, which its stop (SIGKILL) made 137.
    const aborted = await s.compose('verbs', ['up', '--no-color', '--abort-on-container-exit']);
    assert.equal(aborted.code, 3, aborted.stderr);
    assert.match(aborted.stdout, /^job-1 +exited with code 3\nAborting on container exit\.\.\.$/m);
    assert.equal(await s.inspect('verbs-web-2', '{{.State.Status}}'), 'exited');
    const fromWeb = await s.compose('verbs', ['up', '--no-color', '--exit-code-from', 'web']);
    assert.equal(fromWeb.code, 137, fromWeb.stderr);
    assert.equal(await s.inspect('verbs-web-1', '{{.State.Status}}'), 'exited');
    await s.downClean('verbs', 'verbs');
  },
);

scenario(
  'a static address on a subnet of its own; external network and volume kept by down -v; cap_add; an anonymous volume kept by --force-recreate',
  async (s) => {
    // Each engine its own subnet and external objects: both engines' bridges live on this one host.
    const env = {
      FIXED_PREFIX: s.name === 'berthd' ? '10.213.71' : '10.213.72',
      OUTSIDE_NET: `compose-outside-${s.name}`,
      SHARED_VOL: `compose-shared-${s.name}`,
    };
    await s.dockerOk(['network', 'create', env.OUTSIDE_NET]);
    await s.dockerOk(['volume', 'create', env.SHARED_VOL]);
    try {
      await s.ok('external', ['up', '-d'], env);
      const ip = `{{(index .NetworkSettings.Networks "external_fixed").IPAddress}} {{len .NetworkSettings.Networks}}`;
      assert.equal(await s.inspect('external-app-1', ip), `${env.FIXED_PREFIX}.10 2`);
      // By name on the external network.
      const ping = await s.exec('external-admin-1', ['ping', '-c', '1', '-W', '2', 'app']);
      assert.equal(ping.code, 0, ping.stdout + ping.stderr);
      const capBnd = async (c: string): Promise<bigint> =>
        BigInt(`0x${(await s.exec(c, ['grep', 'CapBnd', '/proc/1/status'])).stdout.split(':')[1]?.trim()}`);
      assert.ok((await capBnd('external-app-1')) & (1n << 12n), 'NET_ADMIN added');
      assert.ok(!((await capBnd('external-admin-1')) & (1n << 12n)), 'NET_ADMIN only where added');
      const mounts =
        '{{range .Mounts}}{{.Destination}}:{{.Type}}:{{if eq .Destination "/shared"}}{{.Name}}{{end}} {{end}}';
      assert.deepEqual((await s.inspect('external-app-1', mounts)).split(' ').sort(), [
        '/cache:volume:',
        `/shared:volume:${env.SHARED_VOL}`,
      ]);
      await s.dockerOk(['exec', 'external-app-1', 'sh', '-c', 'echo kept > /shared/file; echo cached > /cache/file']);
      const anonymous = '{{range .Mounts}}{{if eq .Destination "/cache"}}{{.Name}}{{end}}{{end}}';
      const cache = await s.inspect('external-app-1', anonymous);
      assert.match(cache, /^[0-9a-f]{64}$/);
      // --force-recreate: a new container, same address, the external volume's data there, and the anonymous volume
      // handed to the new container (Compose v2's behaviour) with its data.
      const before = await s.inspect('external-app-1', '{{.Id}}');
      const again = await s.ok('external', ['up', '-d', '--force-recreate', 'app'], env);
      assert.match(again.stderr, /Container external-app-1 {2}Recreated/);
      assert.notEqual(await s.inspect('external-app-1', '{{.Id}}'), before);
      assert.equal(await s.inspect('external-app-1', ip), `${env.FIXED_PREFIX}.10 2`);
      assert.equal((await s.exec('external-app-1', ['cat', '/shared/file'])).stdout, 'kept\n');
      assert.equal(await s.inspect('external-app-1', anonymous), cache);
      assert.equal((await s.exec('external-app-1', ['cat', '/cache/file'])).stdout, 'cached\n');
      await s.ok('external', ['down', '-v'], env);
      // -v: the anonymous volume goes with its container, though the recreation mounted it by name.
      assert.notEqual((await docker(s.engine.env, ['volume', 'inspect', cache])).code, 0, `${cache} removed`);
      assert.deepEqual(await s.leftovers('external'), []);
      // External ones are the user's: down -v leaves them.
      await s.dockerOk(['network', 'inspect', env.OUTSIDE_NET]);
      await s.dockerOk(['volume', 'inspect', env.SHARED_VOL]);
    } finally {
      await s.compose('external', ['down', '-v', '-t', '0'], env);
      await s.dockerOk(['network', 'rm', env.OUTSIDE_NET]);
      await s.dockerOk(['volume', 'rm', env.SHARED_VOL]);
    }
  },
);

/** `berth compose logs -f --no-color` of a corpus directory, running until stopped: `until` settles once its output
 * matches, and fails if the command ends first (it did not follow). */
function followLogs(s: Side, dir: string): { until(pattern: RegExp): Promise<void>; output(): string; stop(): void } {
  const logs = spawn(
    process.execPath,
    [
      BERTH,
      'compose',
      '--project-directory',
      join(s.corpus, dir),
      '-f',
      join(s.corpus, dir, 'compose.yaml'),
      'logs',
      '-f',
      '--no-color',
    ],
    { env: s.engine.env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  let ended: string | undefined;
  const waiting = new Set<{ pattern: RegExp; resolve(): void; reject(e: Error): void }>();
  const check = (): void => {
    for (const w of waiting) {
      if (w.pattern.test(out)) w.resolve();
      else if (ended !== undefined) w.reject(new Error(`logs -f ${ended} before ${w.pattern}:\n${out}\n${err}`));
      else continue;
      waiting.delete(w);
    }
  };
  logs.stdout.setEncoding('utf8').on('data', (c: string) => {
    out += c;
    check();
  });
  logs.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
  logs.on('close', (code, signal) => {
    ended = `ended (${code ?? signal})`;
    check();
  });
  return {
    // A guard, not a timing: a `logs -f` that hangs without printing fails the scenario rather than the whole run.
    until: (pattern) =>
      new Promise((resolve, reject) => {
        const guard = setTimeout(
          () => reject(new Error(`no ${pattern} from logs -f in 60 s:\n${out}\n${err}`)),
          60_000,
        );
        waiting.add({
          pattern,
          resolve: () => {
            clearTimeout(guard);
            resolve();
          },
          reject: (e) => {
            clearTimeout(guard);
            reject(e);
          },
        });
        check();
      }),
    output: () => out,
    stop: () => void logs.kill(),
  };
}

scenario(
  'logs -f, --tail, -t; an orphan: up warns, up --remove-orphans and down --remove-orphans remove it; up --no-recreate',
  async (s) => {
    const dir = join(s.corpus, 'follow');
    await s.ok('follow', ['up', '-d']);
    // -f: the lines printed at the start, then one talker prints only once /tmp/go exists, created after them.
    const follow = followLogs(s, 'follow');
    try {
      await follow.until(/^talker-1 +\| three$/m);
      await follow.until(/^other-1 +\| other-c$/m);
      assert.doesNotMatch(follow.output(), /later/);
      assert.equal((await s.exec('follow-talker-1', ['touch', '/tmp/go'])).code, 0);
      await follow.until(/^talker-1 +\| later$/m);
    } finally {
      follow.stop();
    }
    // --tail 2: the last two lines of each container, in order.
    const tail = (await s.ok('follow', ['logs', '--no-color', '--tail', '2'])).stdout;
    const of = (text: string, container: string): string[] =>
      text
        .split('\n')
        .filter((l) => l.startsWith(`${container} `))
        .map((l) => l.replace(/^\S+ +\| /, ''));
    assert.deepEqual(of(tail, 'talker-1'), ['three', 'later'], tail);
    assert.deepEqual(of(tail, 'other-1'), ['other-b', 'other-c'], tail);
    assert.equal(tail.split('\n').filter(Boolean).length, 4, tail);
    // -t: each line after the prefix starts with the engine's RFC 3339 timestamp (nanoseconds, UTC).
    const stamped = (await s.ok('follow', ['logs', '--no-color', '-t', 'talker'])).stdout;
    const lines = of(stamped, 'talker-1');
    assert.equal(lines.length, 4, stamped);
    const stamps = lines.map((l) => {
      const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?Z) (.*)$/.exec(l);
      assert.ok(m, `a timestamp on ${JSON.stringify(l)}`);
      assert.ok(!Number.isNaN(Date.parse(m[1] ?? '')), m[1]);
      return m[2];
    });
    assert.deepEqual(stamps, ['one', 'two', 'three', 'later']);

    // A second file without other: other's container is an orphan. up warns (Compose v2's words) and leaves it.
    const talkerOnly = (args: string[], env: NodeJS.ProcessEnv = {}): Promise<RunResult> =>
      berth(
        { ...s.engine.env, ...env },
        ['compose', '--project-directory', dir, '-f', join(dir, 'compose.talker.yaml'), ...args],
        { timeoutMs: 120_000 },
      );
    const talkerId = await s.inspect('follow-talker-1', '{{.Id}}');
    const warned = await talkerOnly(['up', '-d']);
    assert.equal(warned.code, 0, warned.stderr);
    assert.match(
      warned.stderr,
      /^WARN\[0000\] Found orphan containers \(\[follow-other-1\]\) for this project\. If you removed or renamed this service in your compose file, you can run this command with the --remove-orphans flag to clean it up\.$/m,
    );
    assert.equal(await s.inspect('follow-other-1', '{{.State.Status}}'), 'running', 'the orphan left alone');
    assert.equal(await s.inspect('follow-talker-1', '{{.Id}}'), talkerId, 'talker (same configuration) kept');
    const cleaned = await talkerOnly(['up', '-d', '--remove-orphans']);
    assert.equal(cleaned.code, 0, cleaned.stderr);
    assert.doesNotMatch(cleaned.stderr, /orphan/);
    assert.notEqual((await docker(s.engine.env, ['inspect', 'follow-other-1'])).code, 0, 'the orphan removed');
    assert.equal(await s.inspect('follow-talker-1', '{{.Id}}'), talkerId);

    // --no-recreate: talker's configuration changed, its container left as it was; a plain up then recreates it.
    await s.ok('follow', ['up', '-d']);
    const startedAt = await s.inspect('follow-talker-1', '{{.State.StartedAt}}');
    const kept = await s.ok('follow', ['up', '-d', '--no-recreate'], { TALKER_VERSION: '2' });
    assert.doesNotMatch(kept.stderr, /Recreat/);
    assert.equal(await s.inspect('follow-talker-1', '{{.Id}}'), talkerId);
    assert.equal(await s.inspect('follow-talker-1', '{{.State.StartedAt}}'), startedAt);
    assert.match((await s.exec('follow-talker-1', ['env'])).stdout, /^VERSION=1$/m);
    const changed = await s.ok('follow', ['up', '-d'], { TALKER_VERSION: '2' });
    assert.match(changed.stderr, /Container follow-talker-1 {2}Recreated/);
    assert.notEqual(await s.inspect('follow-talker-1', '{{.Id}}'), talkerId);

    // down --remove-orphans with the file that lacks other: both containers and the network go.
    const down = await talkerOnly(['down', '-v', '--remove-orphans'], { TALKER_VERSION: '2' });
    assert.equal(down.code, 0, down.stderr);
    assert.deepEqual(await s.leftovers('follow'), []);
  },
);

// Compose v2 colours the prefix only on a terminal (`--ansi auto`): the attached up runs under a pseudo-terminal.
scenario("attached up on a terminal: each service's prefix wrapped in its own ANSI colour", async (s) => {
  const dir = join(s.corpus, 'attached');
  const argv = [process.execPath, BERTH, 'compose', '--project-directory', dir, '-f', join(dir, 'compose.yaml'), 'up'];
  const r = await run('script', ['-qefc', argv.map((a) => `'${a}'`).join(' '), '/dev/null'], {
    env: s.engine.env,
    timeoutMs: 120_000,
  });
  const out = r.stdout.replace(/\r\n/g, '\n');
  assert.equal(r.code, 0, out);
  // `ESC[<colour>m<name> | ESC[0m<line>`: the whole prefix in the container's colour, reset before its text; the
  // container's exit line in the same colour.
  const colourOf = (container: string, line: string): string => {
    const esc = `^\x1b\\[([0-9;]+)m${container} +\\| \x1b\\[0m${line}$`;
    const m = new RegExp(esc, 'm').exec(out);
    assert.ok(m, `${container}'s coloured "${line}" in:\n${JSON.stringify(out)}`);
    const exit = new RegExp(`^\x1b\\[${m[1]}m${container} exited with code 0\x1b\\[0m$`, 'm');
    assert.match(out, exit, `${container}'s exit line in its colour`);
    return m[1] ?? '';
  };
  assert.notEqual(colourOf('app-1', 'app done'), colourOf('migrate-1', 'migrating'), 'one colour a service');
  assert.doesNotMatch(out, /^(app|migrate)-1 +\| /m, 'no line without its colour');
  await s.downClean('attached', 'attached');
});
