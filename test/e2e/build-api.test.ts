// Builds through the Engine API (the classic POST /build protocol docker-py, dockerode and docker-compose 1.29
// speak), each scenario run against berthd and against Docker's own engine: the RUN containers' limits,
// /etc/hosts and /dev/shm; rm/forcerm; cachefrom; platform; a walk over every /build parameter of the v1.47
// swagger, each honoured or refused by name with 400; and cancelling by buildid. Pulling base images is in
// build-pull.test.ts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import Dockerode from 'dockerode';
import { isRoot, REPO_ROOT } from '../helpers/daemon.js';
import { berth, docker } from '../helpers/run.js';
import { hasDockerd } from '../helpers/dockerd.js';
import {
  api,
  apiBuild,
  buildFiles as build,
  containerIds,
  contextTar,
  ok,
  removeAllContainers,
  runOutput,
  type Engine,
  type Query,
  useBuildEngines,
} from '../helpers/build-api.js';

const skip = (!isRoot() && 'needs root') || (!hasDockerd() && 'needs dockerd');

const engines = useBuildEngines(skip);
let work: string;

before(() => {
  if (skip) return;
  work = mkdtempSync(join(tmpdir(), 'berth-build-api-'));
});

after(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

test(
  'RUN containers get extrahosts, shmsize, memory, memswap, cpushares, cpusetcpus, cpuperiod, cpuquota and ulimits',
  { skip },
  async () => {
    const script = [
      'grep -w builder-host /etc/hosts',
      "df -k /dev/shm | tail -1 | awk '{print $2}'",
      'cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/memory/memory.memsw.limit_in_bytes',
      'cat /sys/fs/cgroup/cpu/cpu.shares /sys/fs/cgroup/cpu/cpu.cfs_period_us /sys/fs/cgroup/cpu/cpu.cfs_quota_us /sys/fs/cgroup/cpuset/cpuset.cpus',
      'ulimit -n',
    ].join(' && ');
    const query: Query = {
      nocache: '1',
      extrahosts: ['builder-host:10.1.2.3', 'other-host:10.1.2.4'],
      shmsize: String(2 * 1024 * 1024),
      memory: String(64 * 1024 * 1024),
      memswap: String(128 * 1024 * 1024),
      cpushares: '512',
      cpusetcpus: '0',
      cpuperiod: '50000',
      cpuquota: '25000',
      ulimits: JSON.stringify([{ Name: 'nofile', Soft: 1000, Hard: 1000 }]),
    };
    const outputs: string[] = [];
    for (const engine of engines) {
      const r = ok(await build(engine, { Dockerfile: `FROM busybox\nRUN ${script}\n` }, query), engine.name);
      outputs.push(runOutput(r.text));
    }
    assert.equal(outputs[0], '10.1.2.3\tbuilder-host\n2048\n67108864\n134217728\n512\n50000\n25000\n0\n1000\n');
    assert.equal(outputs[0], outputs[1], 'berthd and dockerd agree');
  },
);

test('rm=0 keeps every RUN container, rm (default) keeps only a failed one, forcerm none', { skip }, async () => {
  const counts: Record<string, number[]> = {};
  for (const engine of engines) {
    await removeAllContainers(engine);
    const list = async (): Promise<number> => (await containerIds(engine)).length;
    const two = { Dockerfile: 'FROM busybox\nRUN echo one\nRUN echo two\n' };
    const failing = { Dockerfile: 'FROM busybox\nRUN echo one\nRUN exit 7\n' };
    const seen: number[] = [];
    ok(await build(engine, two, { nocache: '1', rm: '0' }), engine.name);
    seen.push(await list());
    await removeAllContainers(engine);
    const failed = await build(engine, failing, { nocache: '1' });
    assert.match(failed.error ?? '', /returned a non-zero code: 7/);
    assert.equal((failed.messages.find((m) => m.errorDetail) as { errorDetail: { code: number } }).errorDetail.code, 7);
    seen.push(await list());
    await removeAllContainers(engine);
    assert.ok((await build(engine, failing, { nocache: '1', forcerm: '1' })).error);
    seen.push(await list());
    ok(await build(engine, two, { nocache: '1', rm: 'False' }), `${engine.name}: docker-py sends Python booleans`);
    seen.push(await list());
    await removeAllContainers(engine);
    counts[engine.name] = seen;
  }
  assert.deepEqual(counts.berthd, [2, 1, 0, 2]);
  assert.deepEqual(counts.berthd, counts.dockerd);
});

test(
  'cachefrom: steps come from a loaded image, and only a source’s ancestors count from the local cache',
  { skip },
  async () => {
    const files = {
      Dockerfile:
        'FROM busybox\nENV STAGE=cached\nCOPY data.txt /data.txt\nRUN cat /data.txt > /copied\nCMD ["cat", "/copied"]\n',
      'data.txt': 'payload\n',
    };
    for (const engine of engines) {
      const original = ok(await build(engine, files, { t: 'cf:1', nocache: '1' }), engine.name);
      const archive = join(work, `cf-${engine.name}.tar`);
      assert.equal((await docker(engine.env, ['save', '-o', archive, 'cf:1'])).code, 0);
      assert.equal((await docker(engine.env, ['rmi', 'cf:1'])).code, 0);
      if (engine.name === 'berthd') assert.equal((await api(engine, 'POST', '/build/prune')).status, 200);
      assert.equal((await docker(engine.env, ['load', '-i', archive])).code, 0);

      // A source that shares nothing with the build: every step runs (and fills the local cache).
      const unrelated = ok(await build(engine, files, { cachefrom: JSON.stringify(['busybox']) }), engine.name);
      assert.match(unrelated.text, /Running in/, `${engine.name}: nothing to take from busybox`);
      assert.notEqual(unrelated.id, original.id);
      // The loaded image as source: every step is taken from it, the local cache of the build above is not.
      const fromSource = ok(await build(engine, files, { cachefrom: JSON.stringify(['cf:1']) }), engine.name);
      assert.doesNotMatch(fromSource.text, /Running in/, `${engine.name}: ${fromSource.text}`);
      assert.equal(fromSource.text.match(/ ---> Using cache\n/g)?.length, 4, `${engine.name}: ${fromSource.text}`);
      assert.equal(fromSource.id, original.id, `${engine.name}: the last step is the source image itself`);
      assert.equal((await docker(engine.env, ['run', '--rm', fromSource.id as string])).stdout, 'payload\n');
    }
  },
);

test(
  'platform: the host platform builds (scratch takes it); one the host cannot run is refused',
  { skip },
  async () => {
    for (const engine of engines) {
      const r = ok(
        await build(engine, { Dockerfile: 'FROM scratch\nCOPY a /a\n', a: 'x' }, { platform: 'linux/amd64' }),
        engine.name,
      );
      assert.equal(
        (
          await docker(engine.env, ['image', 'inspect', '--format', '{{.Os}}/{{.Architecture}}', r.id as string])
        ).stdout.trim(),
        'linux/amd64',
      );
      const bad = await build(engine, { Dockerfile: 'FROM busybox\n' }, { platform: 'a/b/c/d' });
      assert.equal(bad.status, 400, engine.name);
      assert.match(bad.error ?? '', /"a\/b\/c\/d": cannot parse platform specifier/);
    }
    // dockerd 20.10's classic builder accepts a platform it cannot run and builds on the host's images anyway;
    // berthd refuses it up front (it does not emulate other architectures).
    const berth = engines[0] as Engine;
    const before = (await api(berth, 'GET', '/images/json?all=1')).body;
    const foreign = await build(berth, { Dockerfile: 'FROM busybox\nRUN true\n' }, { platform: 'linux/arm64' });
    assert.equal(foreign.status, 400);
    assert.match(foreign.error ?? '', /platform linux\/arm64 is not supported/);
    assert.equal((await api(berth, 'GET', '/images/json?all=1')).body, before, 'a refused build changes nothing');
  },
);

/** The v1.47 swagger (the contract, kept beside the repository), or undefined where it is not. */
const SWAGGER = [
  process.env.BERTH_ENGINE_SWAGGER,
  join(REPO_ROOT, '../shared/reference/docker-engine-api/v1.47.yaml'),
  join(REPO_ROOT, '../../shared/reference/docker-engine-api/v1.47.yaml'),
].find((p): p is string => !!p && existsSync(p));

/** The v1.47 swagger's parameters of POST /build, by name. */
function swaggerBuildParameters(file: string): string[] {
  const script =
    "import yaml,sys,json; d=yaml.safe_load(open(sys.argv[1])); print(json.dumps([p['name'] for p in d['paths']['/build']['post']['parameters']]))";
  return JSON.parse(execFileSync('/usr/bin/python3', ['-c', script, file], { encoding: 'utf8' })) as string[];
}

test(
  'every /build parameter of the v1.47 swagger is honoured or refused by name (none ignored)',
  { skip: skip || (!SWAGGER && 'no v1.47 swagger found (set BERTH_ENGINE_SWAGGER)') },
  async () => {
    // Parameters other tests here check in a build on both engines.
    const checkedElsewhere: Record<string, string> = {
      inputStream: 'every build',
      'Content-type': 'every build (application/x-tar)',
      'X-Registry-Config': 'the pull test',
      pull: 'the pull test',
      cachefrom: 'the cachefrom test',
      rm: 'the rm test',
      forcerm: 'the rm test',
      extrahosts: 'the RUN limits test',
      shmsize: 'the RUN limits test',
      memory: 'the RUN limits test',
      memswap: 'the RUN limits test',
      cpushares: 'the RUN limits test',
      cpusetcpus: 'the RUN limits test',
      cpuperiod: 'the RUN limits test',
      cpuquota: 'the RUN limits test',
      platform: 'the platform test',
    };
    const berth = engines[0] as Engine;
    const files = {
      Dockerfile:
        'FROM busybox AS first\nARG GREETING\nRUN echo "$GREETING" > /g\nFROM first AS second\nRUN cat /g && ls /sys/class/net\nFROM second\nRUN exit 9\n',
      'Dockerfile.other': 'FROM busybox\nLABEL from=other\n',
    };
    // Honoured here: each checked on both engines.
    const honoured: Record<string, (engine: Engine) => Promise<void>> = {
      t: async (e) => {
        const r = ok(await build(e, files, { t: ['walk:a', 'walk:b'], target: 'first' }), e.name);
        for (const tag of ['walk:a', 'walk:b'])
          assert.equal(
            (await docker(e.env, ['image', 'inspect', '--format', '{{.Id}}', tag])).stdout.trim(),
            r.id,
            `${e.name} ${tag}`,
          );
      },
      dockerfile: async (e) => {
        const r = ok(await build(e, files, { dockerfile: 'Dockerfile.other' }), e.name);
        assert.equal(
          (
            await docker(e.env, ['image', 'inspect', '--format', '{{.Config.Labels.from}}', r.id as string])
          ).stdout.trim(),
          'other',
        );
      },
      target: async (e) =>
        assert.equal(
          runOutput(
            ok(
              await build(e, files, {
                target: 'second',
                nocache: '1',
                buildargs: '{"GREETING":"hi"}',
                networkmode: 'none',
              }),
              e.name,
            ).text,
          ),
          'hi\nlo\n',
        ),
      buildargs: async (e) =>
        assert.match(
          ok(await build(e, files, { target: 'second', nocache: '1', buildargs: '{"GREETING":"args"}' }), e.name).text,
          /\nargs\n/,
        ),
      networkmode: async (e) =>
        assert.equal(
          runOutput(ok(await build(e, files, { target: 'second', nocache: '1', networkmode: 'none' }), e.name).text),
          '\nlo\n',
        ),
      q: async (e) => {
        const r = await build(e, files, { target: 'first', q: '1' });
        assert.equal(r.status, 200);
        assert.match(r.text, /^sha256:[0-9a-f]{64}\n$/, `${e.name}: only the ID, as a stream line`);
        assert.equal(r.messages.length, 1, `${e.name}: nothing else (no aux either)`);
      },
      nocache: async (e) => {
        ok(await build(e, files, { target: 'first' }), e.name);
        assert.match(ok(await build(e, files, { target: 'first', nocache: '1' }), e.name).text, /Running in/);
      },
      labels: async (e) => {
        const r = ok(await build(e, files, { target: 'first', labels: '{"walk":"yes"}' }), e.name);
        assert.equal(
          (
            await docker(e.env, ['image', 'inspect', '--format', '{{.Config.Labels.walk}}', r.id as string])
          ).stdout.trim(),
          'yes',
        );
      },
      squash: async (e) =>
        void ok(await build(e, files, { target: 'first', squash: '0' }), `${e.name}: squash=0 is the default`),
      outputs: async (e) => void ok(await build(e, files, { target: 'first', outputs: '[]' }), `${e.name}: no outputs`),
      version: async (e) =>
        void ok(await build(e, files, { target: 'first', version: '1' }), `${e.name}: the classic builder`),
      remote: async (e) =>
        void ok(
          await build(e, files, { target: 'first', remote: '' }),
          `${e.name}: no remote, the body is the context`,
        ),
    };
    // Values berth cannot honour: 400 naming the parameter, nothing built.
    const refused: Record<string, Query> = {
      remote: { remote: 'http://127.0.0.1:9/context.tar' },
      squash: { squash: '1' },
      outputs: { outputs: '[{"type":"local","dest":"/tmp/out"}]' },
    };
    const names = swaggerBuildParameters(SWAGGER as string);
    assert.ok(names.length >= 25, 'the swagger lists the build parameters');
    for (const name of names)
      assert.ok(name in checkedElsewhere || name in honoured, `${name} is neither honoured nor refused`);
    for (const name of [...Object.keys(checkedElsewhere), ...Object.keys(honoured), ...Object.keys(refused)])
      assert.ok(names.includes(name), `${name} is not a v1.47 /build parameter`);

    for (const engine of engines)
      for (const [name, check] of Object.entries(honoured))
        await check(engine).catch((err: unknown) => assert.fail(`${engine.name} ${name}: ${String(err)}`));
    const imagesBefore = (await api(berth, 'GET', '/images/json?all=1')).body;
    for (const [name, query] of Object.entries(refused)) {
      const r = await build(berth, files, { ...query, t: 'refused:1' });
      assert.equal(r.status, 400, `${name}: ${r.error ?? ''}`);
      assert.match(r.error ?? '', new RegExp(name === 'version' ? 'buildkit' : name), name);
    }
    assert.equal((await api(berth, 'GET', '/images/json?all=1')).body, imagesBefore, 'refused builds change nothing');
    // squash=1 is refused by Docker's engine too (outside experimental mode), with the same message.
    const dockerSquash = await build(engines[1] as Engine, files, { squash: '1' });
    assert.equal(dockerSquash.status, 400);
    assert.equal(dockerSquash.error, 'squash is only supported with experimental mode');
    await removeAllContainers(berth);
    await removeAllContainers(engines[1] as Engine);
  },
);

test('POST /build/cancel?id= stops the build started with that buildid', { skip }, async () => {
  const berth = engines[0] as Engine;
  const tar = await contextTar({ Dockerfile: 'FROM busybox\nRUN sleep 60\n' });
  let started: () => void = () => undefined;
  const runStarted = new Promise<void>((resolve) => (started = resolve));
  const running = apiBuild(
    berth,
    tar,
    { buildid: 'walk-cancel', nocache: '1', forcerm: '1' },
    {},
    { onText: (raw) => raw.includes('Running in') && started() },
  );
  await runStarted;
  const cancel = await api(berth, 'POST', '/build/cancel?id=walk-cancel');
  assert.equal(cancel.status, 200);
  const r = await running;
  assert.ok(r.error, 'the build ends with an error');
  assert.doesNotMatch(r.text, /Successfully built/);
  assert.equal((await api(berth, 'POST', '/build/cancel')).status, 400, 'an id is required');
  assert.deepEqual((await api(berth, 'GET', '/containers/json?all=1')).json(), [], 'the RUN container is gone');
});

// dockerode's buildImage(ctx, {version: '2'}) opens POST /session (serving Auth only) and sends the context tar to
// POST /build?version=2&session=…; both engines answer with BuildKit's progress as `moby.buildkit.trace` aux
// messages (StatusResponse protobufs, which dockerode's followProgress decodes), then `moby.image.id`. berth build
// --progress speaks the same protocol; its failing build shows the in-band error. The RUN steps go without a
// network: this file's dockerd has no bridge.
interface BuildEvent {
  id?: string;
  aux?: unknown;
  stream?: string;
  error?: string;
}

test(
  'dockerode BuildKit build (version 2): the tar context, BuildKit progress, berth build --progress',
  { skip },
  async () => {
    const tar = await contextTar({
      Dockerfile: 'FROM busybox\nRUN echo v2-says-hi\nCOPY a.txt /a.txt\n',
      'a.txt': 'from the tar\n',
    });
    const v2Dir = join(work, 'v2');
    const v2FailDir = join(work, 'v2-fail');
    mkdirSync(v2FailDir, { recursive: true });
    mkdirSync(v2Dir, { recursive: true });
    writeFileSync(join(v2Dir, 'Dockerfile'), 'FROM busybox\nRUN echo v2-says-hi\nCOPY a.txt /a.txt\n');
    writeFileSync(join(v2Dir, 'a.txt'), 'from the tar\n');
    writeFileSync(join(v2FailDir, 'Dockerfile'), 'FROM busybox\nRUN echo v2-oops >&2; exit 3\n');
    for (const engine of engines) {
      const client = new Dockerode({ socketPath: engine.socketPath }) as Dockerode & {
        // dockerode 5's BuildKit-aware follower (decodes moby.buildkit.trace into stream events); not in @types 4.
        followProgress(
          stream: NodeJS.ReadableStream,
          done: (err: Error | null) => void,
          each: (e: BuildEvent) => void,
        ): void;
      };
      const follow = async (body: Buffer, opts: object) => {
        const stream = await client.buildImage(Readable.from([body]), {
          ...opts,
          version: '2',
          networkmode: 'none',
        } as object);
        const lines: string[] = [];
        const events: BuildEvent[] = [];
        const error = await new Promise<Error | null>((resolve) =>
          client.followProgress(
            stream,
            (err: Error | null) => resolve(err),
            (event) => {
              events.push(event);
              if (typeof event.stream === 'string') lines.push(event.stream);
            },
          ),
        );
        return { error, lines: lines.join(''), events };
      };
      const built = await follow(tar, { t: 'v2-build:1' });
      assert.equal(built.error, null, `${engine.name}: ${String(built.error)}`);
      assert.match(built.lines, /\[2\/3\] RUN echo v2-says-hi/, engine.name);
      assert.match(built.lines, /v2-says-hi/, engine.name);
      // followProgress turns moby.image.id into a line of its own.
      assert.match(built.lines, /Built image: sha256:[0-9a-f]{64}\n/, `${engine.name}: moby.image.id`);
      const ran = await docker(engine.env, ['run', '--rm', 'v2-build:1', 'cat', '/a.txt']);
      assert.equal(ran.stdout, 'from the tar\n', `${engine.name}: ${ran.stderr}`);

      // berth build --progress=plain speaks the same protocol and prints BuildKit's plain progress: the steps the
      // dockerode build made are CACHED; a failing RUN shows its output again between ------ lines, exit code 1.
      const cli = (dir: string, ...args: string[]) =>
        berth(engine.env, ['build', '--progress=plain', '--network', 'none', ...args, dir], { timeoutMs: 120_000 });
      const again = await cli(v2Dir, '-t', 'v2-build:2', '--iidfile', join(v2Dir, `${engine.name}.iid`));
      assert.equal(again.code, 0, `${engine.name}: ${again.stderr}`);
      assert.match(again.stderr, /^#1 \[internal\] load remote build context\n#1 DONE \d+\.\ds\n/, engine.name);
      assert.match(again.stderr, /\n\n#(\d+) \[2\/3\] RUN echo v2-says-hi\n#\1 CACHED\n/, engine.name);
      assert.match(
        again.stderr,
        /#(\d+) naming to docker\.io\/library\/v2-build:2(?: [\d.]+s)? done\n#\1 DONE \d+\.\ds\n/,
        engine.name,
      );
      assert.match(readFileSync(join(v2Dir, `${engine.name}.iid`), 'utf8'), /^sha256:[0-9a-f]{64}$/, engine.name);
      const broken = await cli(v2FailDir);
      assert.equal(broken.code, 1, engine.name);
      assert.match(broken.stderr, /\n#(\d+) [\d.]+ v2-oops\n#\1 ERROR: .*exit code: 3\n/, engine.name);
      assert.match(broken.stderr, /\n------\n > \[2\/2\] RUN echo v2-oops >&2; exit 3:\n#\d+ [\d.]+ v2-oops\n------\n/);
      assert.match(broken.stderr, /ERROR: failed to solve: .*exit code: 3\n$/, engine.name);
    }
    await removeAllContainers(engines[0] as Engine);
    await removeAllContainers(engines[1] as Engine);
  },
);
