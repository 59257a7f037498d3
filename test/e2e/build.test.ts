// Builds end to end with the real docker CLI (DOCKER_BUILDKIT=0: the classic protocol) and with berth build:
// a multi-stage Dockerfile builds, runs and prints what it should; a rebuild takes every step from the cache,
// also after a daemon restart; changing one copied file reruns only the steps from there; bad input fails
// clearly and leaves no mount or tag behind (a failed RUN's container only without --force-rm, as dockerd).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { isRoot } from '../helpers/daemon.js';
import { berth, docker } from '../helpers/run.js';
import { useDaemon } from '../helpers/use-daemon.js';

const skip = !isRoot() && 'needs root';
const daemon = useDaemon(skip);
let work: string;

const DOCKERFILE = `# a multi-stage build
ARG BASE=busybox
FROM \${BASE} AS builder
ARG GREETING=hello
ENV TARGET=world
WORKDIR /src
COPY message.txt ./
RUN echo "$GREETING $TARGET" > out.txt && \\
    cat message.txt >> out.txt
RUN rm /etc/group && mkdir -p /home/x && rm -r /home && mkdir /home && touch /home/only
RUN test ! -e /etc/group && test "$(ls /home)" = only
FROM busybox AS unused
RUN exit 1
FROM busybox
COPY --from=builder /src/out.txt /app/out.txt
COPY --from=builder /home /deleted/
WORKDIR /app
USER 1000:1000
HEALTHCHECK --interval=30s --timeout=3s CMD test -f /app/out.txt
CMD ["cat", "/app/out.txt"]
`;

const env = (): NodeJS.ProcessEnv => ({ ...daemon.env, DOCKER_BUILDKIT: '0' });
const d = (args: string[]) => docker(env(), args, { timeoutMs: 120_000 });
const b = (args: string[]) => berth(daemon.env, args, { timeoutMs: 120_000 });

function context(name: string, files: Record<string, string>): string {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(join(dir, f, '..'), { recursive: true });
    writeFileSync(join(dir, f), text);
  }
  return dir;
}

const steps = (out: string): string[] => out.split('\n').filter((l) => l.startsWith('Step '));
/** The steps that ran (not taken from the cache), by their text. */
function ranSteps(out: string): string[] {
  const ran: string[] = [];
  const blocks = out.split(/^Step \d+\/\d+ : /m).slice(1);
  for (const block of blocks) {
    const [title = ''] = block.split('\n');
    if (!title.startsWith('FROM') && block.includes(' ---> ') && !block.includes(' ---> Using cache')) ran.push(title);
  }
  return ran;
}

const builderMounts = (): string[] =>
  readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter((l) => l.includes(join(daemon.dataRoot, 'builder')));

before(() => {
  if (skip) return;
  work = mkdtempSync(join(tmpdir(), 'berth-build-'));
});
after(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

test(
  'docker build: multi-stage image runs; rebuild is all cache; a changed file reruns from its COPY; berth build agrees',
  { skip },
  async () => {
    const ctx = context('app', {
      Dockerfile: DOCKERFILE,
      'message.txt': 'from the context\n',
      '.dockerignore': 'secret.txt\n',
      'secret.txt': 'no\n',
    });
    const first = await d(['build', '-t', 'app:1', '--build-arg', 'GREETING=hi', ctx]);
    assert.equal(first.code, 0, first.stdout + first.stderr);
    assert.match(first.stdout, /^Sending build context to Docker daemon {2}[\d.]+kB/);
    assert.match(first.stdout, /Successfully built [0-9a-f]{12}\nSuccessfully tagged app:1\n$/);
    assert.ok(!first.stdout.includes('RUN exit 1'), 'the stage the target does not need is skipped');
    assert.equal(steps(first.stdout).length, 16);
    assert.match(first.stdout, /^Step 1\/16 : ARG BASE=busybox\nStep 2\/16 : FROM \$\{BASE\} AS builder\n/m);
    assert.match(first.stdout, /^Step 16\/16 : CMD /m);
    assert.match(first.stdout, / ---> Running in [0-9a-f]{12}\n/);

    const runOut = await d(['run', '--rm', 'app:1']);
    assert.equal(runOut.code, 0, runOut.stderr);
    assert.equal(runOut.stdout, 'hi world\nfrom the context\n');
    // Deletions in a RUN are whiteouts (a file) and an opaque directory (a directory replaced).
    const seen = await d(['run', '--rm', 'app:1', 'ls', '/deleted']);
    assert.equal(seen.stdout, 'only\n');
    const cfg = JSON.parse((await d(['image', 'inspect', 'app:1', '--format', '{{json .Config}}'])).stdout) as Record<
      string,
      unknown
    >;
    assert.equal(cfg.User, '1000:1000');
    assert.equal(cfg.WorkingDir, '/app');
    assert.deepEqual(cfg.Cmd, ['cat', '/app/out.txt']);
    assert.deepEqual((cfg.Healthcheck as { Test: string[] }).Test, ['CMD-SHELL', 'test -f /app/out.txt']);
    const history = await d(['history', '--no-trunc', '--format', '{{.CreatedBy}}', 'app:1']);
    assert.match(history.stdout, /^\/bin\/sh -c #\(nop\) {2}CMD \["cat" "\/app\/out.txt"\]$/m);
    assert.match(history.stdout, /^\/bin\/sh -c #\(nop\) COPY file:[0-9a-f]{64} in \/app\/out.txt $/m);
    assert.equal((await d(['ps', '-aq'])).stdout, '', 'no intermediate container is left');

    const second = await d(['build', '-t', 'app:1', '--build-arg', 'GREETING=hi', ctx]);
    assert.equal(second.code, 0, second.stderr);
    assert.deepEqual(ranSteps(second.stdout), [], 'every step comes from the cache');
    assert.ok(!second.stdout.includes('Running in'));
    const id = (await d(['image', 'inspect', 'app:1', '--format', '{{.Id}}'])).stdout.trim();

    // The cache is on disk: it holds across a daemon restart.
    await daemon.stop();
    await daemon.startAgain();
    const iid = join(work, 'iid');
    const viaBerth = await b(['build', '-t', 'app:1', '--build-arg', 'GREETING=hi', '--iidfile', iid, ctx]);
    assert.equal(viaBerth.code, 0, viaBerth.stderr);
    assert.deepEqual(ranSteps(viaBerth.stdout), []);
    assert.equal(readFileSync(iid, 'utf8'), id, 'same steps, same image');

    writeFileSync(join(ctx, 'message.txt'), 'changed\n');
    const third = await d(['build', '-t', 'app:2', '--build-arg', 'GREETING=hi', ctx]);
    assert.equal(third.code, 0, third.stderr);
    assert.deepEqual(ranSteps(third.stdout), [
      'COPY message.txt ./',
      'RUN echo "$GREETING $TARGET" > out.txt &&     cat message.txt >> out.txt',
      'RUN rm /etc/group && mkdir -p /home/x && rm -r /home && mkdir /home && touch /home/only',
      'RUN test ! -e /etc/group && test "$(ls /home)" = only',
      'COPY --from=builder /src/out.txt /app/out.txt',
      'COPY --from=builder /home /deleted/',
      'WORKDIR /app',
      'USER 1000:1000',
      'HEALTHCHECK --interval=30s --timeout=3s CMD test -f /app/out.txt',
      'CMD ["cat", "/app/out.txt"]',
    ]);
    assert.equal((await d(['run', '--rm', 'app:2'])).stdout, 'hi world\nchanged\n');

    // A different build arg changes the RUN (it is part of the key), as Docker's `|1 GREETING=...`.
    const other = await b(['build', '-q', '--build-arg', 'GREETING=hey', ctx]);
    assert.equal(other.code, 0, other.stderr);
    assert.match(other.stdout, /^sha256:[0-9a-f]{64}\n$/);

    const df = await d(['system', 'df']);
    assert.match(df.stdout, /^Build Cache\s+[1-9]\d*\s/m);
    const prune = await d(['builder', 'prune', '-f']);
    assert.equal(prune.code, 0, prune.stderr);
    const afterPrune = await d(['build', '-t', 'app:1', '--build-arg', 'GREETING=hi', ctx]);
    assert.ok(ranSteps(afterPrune.stdout).length > 0, 'pruned cache is gone');
    assert.equal((await d(['run', '--rm', 'app:1'])).stdout, 'hi world\nchanged\n');
    assert.deepEqual(builderMounts(), []);
  },
);

test(
  'build: --target, -f, labels, ADD of a tar, COPY --chown/--chmod, RUN --mount=type=cache, heredocs, ONBUILD',
  { skip },
  async () => {
    const ctx = context('features', {
      'build.Dockerfile': `FROM busybox AS base
LABEL stage=base
RUN --mount=type=cache,target=/cache echo run >> /cache/count && wc -l < /cache/count > /runs
RUN <<EOF
echo from heredoc > /heredoc.txt
EOF
COPY <<CONF /etc/app.conf
key=value
CONF
ADD payload.tar.gz /opt/
COPY --chown=1000:1000 --chmod=600 payload/a.txt /owned.txt
FROM base AS final
CMD ["sh"]
`,
      'payload/a.txt': 'in the archive\n',
    });
    execFileSync('tar', ['-C', ctx, '-czf', join(ctx, 'payload.tar.gz'), 'payload']);
    const one = await d([
      'build',
      '-f',
      join(ctx, 'build.Dockerfile'),
      '--target',
      'base',
      '--label',
      'team=berth',
      '-t',
      'feat:1',
      ctx,
    ]);
    assert.equal(one.code, 0, one.stdout + one.stderr);
    assert.ok(!one.stdout.includes('CMD ["sh"]'), '--target stops at the base stage');
    const labels = JSON.parse(
      (await d(['image', 'inspect', 'feat:1', '--format', '{{json .Config.Labels}}'])).stdout,
    ) as Record<string, string>;
    assert.deepEqual(labels, { stage: 'base', team: 'berth' });
    const out = await d(['run', '--rm', 'feat:1', 'cat', '/heredoc.txt', '/etc/app.conf', '/runs']);
    assert.equal(out.stdout, 'from heredoc\nkey=value\n1\n');
    const files = await d([
      'run',
      '--rm',
      'feat:1',
      'sh',
      '-c',
      'cat /opt/payload/a.txt && stat -c "%u:%g %a" /owned.txt',
    ]);
    assert.equal(files.stdout, 'in the archive\n1000:1000 600\n');
    const again = await d([
      'build',
      '--no-cache',
      '-f',
      join(ctx, 'build.Dockerfile'),
      '--target',
      'base',
      '-t',
      'feat:2',
      ctx,
    ]);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(
      (await d(['run', '--rm', 'feat:2', 'cat', '/runs'])).stdout,
      '2\n',
      'the cache mount persisted between builds',
    );

    const base = context('onbuild-base', { Dockerfile: 'FROM busybox\nONBUILD RUN echo triggered > /trigger.txt\n' });
    assert.equal((await d(['build', '-t', 'onbuild-base', base])).code, 0);
    const child = context('onbuild-child', { Dockerfile: 'FROM onbuild-base\nCMD ["cat", "/trigger.txt"]\n' });
    const built = await b(['build', '-t', 'onbuild-child', child]);
    assert.equal(built.code, 0, built.stderr);
    assert.match(built.stdout, /# Executing 1 build trigger\n/);
    assert.equal((await d(['run', '--rm', 'onbuild-child'])).stdout, 'triggered\n');
    assert.equal(
      (await d(['image', 'inspect', 'onbuild-child', '--format', '{{json .Config.OnBuild}}'])).stdout.trim(),
      'null',
    );
  },
);

test('build: bad input fails clearly and leaves nothing behind', { skip }, async () => {
  const cases: { name: string; files: Record<string, string>; code: number; message: RegExp }[] = [
    {
      name: 'syntax',
      files: { Dockerfile: 'FROM busybox\n\nFOO bar\n' },
      code: 1,
      message: /dockerfile parse error on line 3: unknown instruction: FOO/,
    },
    {
      name: 'run-fails',
      files: { Dockerfile: 'FROM busybox\nRUN echo visible && exit 3\n' },
      code: 3,
      message: /The command '\/bin\/sh -c echo visible && exit 3' returned a non-zero code: 3/,
    },
    {
      name: 'missing',
      files: { Dockerfile: 'FROM busybox\nCOPY nothere.txt /\n' },
      code: 1,
      message:
        /COPY failed: file not found in build context or excluded by \.dockerignore: stat nothere\.txt: file does not exist/,
    },
    {
      name: 'climb',
      files: { Dockerfile: 'FROM busybox\nCOPY ../../etc/passwd /\n' },
      code: 1,
      message: /forbidden path outside the build context: \.\.\/\.\.\/etc\/passwd/,
    },
    {
      name: 'symlink',
      files: { Dockerfile: 'FROM busybox\nCOPY escape /\n' },
      code: 1,
      message: /COPY failed: file not found in build context.*stat escape/,
    },
  ];
  for (const c of cases) {
    const ctx = context(`bad-${c.name}`, c.files);
    if (c.name === 'symlink') symlinkSync('/etc/shadow', join(ctx, 'escape'));
    for (const client of ['docker', 'berth'] as const) {
      const result =
        client === 'docker'
          ? await d(['build', '-t', `bad-${c.name}`, ctx])
          : await b(['build', '-t', `bad-${c.name}`, ctx]);
      assert.equal(result.code, c.code, `${client} ${c.name}: ${result.stdout}${result.stderr}`);
      assert.match(result.stderr, c.message, `${client} ${c.name}`);
      if (c.name === 'run-fails') {
        assert.match(result.stdout, /visible/);
        // As dockerd: rm (the default) keeps the failed step's container for inspection; --force-rm does not.
        const kept = (await d(['ps', '-aq', '--filter', 'status=exited'])).stdout.trim().split('\n').filter(Boolean);
        assert.equal(kept.length, 1, `${client}: the failed RUN's container is kept`);
        assert.equal((await d(['inspect', '--format', '{{.State.ExitCode}}', kept[0] as string])).stdout.trim(), '3');
        assert.equal((await d(['rm', kept[0] as string])).code, 0);
        const forced =
          client === 'docker' ? await d(['build', '--force-rm', ctx]) : await b(['build', '--force-rm', ctx]);
        assert.equal(forced.code, 3);
        assert.equal((await d(['ps', '-aq'])).stdout, '', `${client} --force-rm: no container left`);
      }
    }
    assert.equal((await d(['images', '-q', `bad-${c.name}`])).stdout, '', 'nothing tagged');
  }
  assert.equal((await d(['ps', '-aq'])).stdout, '', 'no container left');
  assert.deepEqual(builderMounts(), [], 'no mount left');
});
