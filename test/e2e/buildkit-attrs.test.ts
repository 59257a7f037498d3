// The dockerfile.v0 frontend's attributes as `docker build` with buildx sends them (#15: filename, target,
// build-arg:*, label:*, platform, no-cache, add-hosts, network) and the COPY flags of BuildKit's Dockerfile syntax
// (--chmod, --chown, --link), against Docker's engine 20.10 and berthd side by side. Each scenario asserts what the
// image or the RUN saw, not only that the build passed. Where Docker 20.10's BuildKit (v0.8) cannot build a case,
// its refusal is asserted and berthd is checked alone.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ENGINES, skipClients, useEngines } from '../helpers/engines.js';
import { buildxConfig, type BuildxConfig } from '../helpers/buildx.js';
import { docker } from '../helpers/run.js';

const skip = skipClients();
const engine = useEngines(skip);

let buildx: BuildxConfig;
let dir: string;

before(() => {
  if (skip) return;
  buildx = buildxConfig();
  dir = mkdtempSync(join(tmpdir(), 'berth-buildkit-attrs-'));
  writeFileSync(join(dir, 'a.txt'), 'context file\n');
});

after(() => {
  buildx?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The three stages of the target test: the last one fails, so only --target keeps the build green. */
const STAGES = [
  'FROM busybox AS first',
  'ARG GREETING=default',
  'RUN echo "greeting=$GREETING" > /g.txt',
  'FROM first AS second',
  'RUN echo second > /second.txt',
  'FROM second',
  'RUN echo the-last-stage-ran && exit 9',
  '',
].join('\n');

for (const name of ENGINES) {
  describe(`dockerfile.v0 attributes with buildx against ${name}`, { skip }, () => {
    /** Writes the Dockerfile under a name of its own (buildx's -f: the `filename` attribute) and builds. */
    const build = (dockerfile: string, args: string[] = []) => {
      const file = join(dir, `${randomBytes(4).toString('hex')}.Dockerfile`);
      writeFileSync(file, dockerfile);
      return docker(buildx.env(engine(name).env), ['build', '--progress=plain', ...args, '-f', file, dir], {
        timeoutMs: 180_000,
      });
    };
    const cat = async (tag: string, ...paths: string[]): Promise<string> => {
      const r = await docker(engine(name).env, ['run', '--rm', '--network', 'none', tag, 'cat', ...paths]);
      assert.equal(r.code, 0, r.stderr);
      return r.stdout;
    };
    const inspect = async (tag: string, format: string): Promise<string> => {
      const r = await docker(engine(name).env, ['image', 'inspect', '-f', format, tag]);
      assert.equal(r.code, 0, r.stderr);
      return r.stdout.trim();
    };

    test('--target builds that stage only; --build-arg reaches the RUN; --label is on the image', async () => {
      const tag = `attrs-target-${name}:1`;
      const r = await build(STAGES, [
        '--target',
        'second',
        '--build-arg',
        'GREETING=from-the-cli',
        '--label',
        'org.example.attr=labelled',
        '-t',
        tag,
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.doesNotMatch(r.stderr, /the-last-stage-ran/);
      assert.equal(await cat(tag, '/g.txt', '/second.txt'), 'greeting=from-the-cli\nsecond\n');
      assert.equal(await inspect(tag, '{{index .Config.Labels "org.example.attr"}}'), 'labelled');
      // Without --target the last stage is built, and its failing RUN fails the build.
      const all = await build(STAGES, ['--build-arg', 'GREETING=x']);
      assert.equal(all.code, 1, all.stderr);
      assert.match(all.stderr, /#\d+ [\d.]+ the-last-stage-ran\n/);
    });

    test('--no-cache runs every step again; without it they come from the cache', async () => {
      const nonce = randomBytes(4).toString('hex');
      const dockerfile = `FROM busybox\nRUN echo step-ran-${nonce} && cat /proc/sys/kernel/random/uuid > /when.txt\n`;
      const first = await build(dockerfile, ['-t', `attrs-nocache-${name}:1`]);
      assert.equal(first.code, 0, first.stderr);
      const cached = await build(dockerfile, ['-t', `attrs-nocache-${name}:2`]);
      assert.equal(cached.code, 0, cached.stderr);
      assert.match(cached.stderr, /#(\d+) \[2\/2\] RUN echo step-ran[^\n]*\n#\1 CACHED/);
      const fresh = await build(dockerfile, ['--no-cache', '-t', `attrs-nocache-${name}:3`]);
      assert.equal(fresh.code, 0, fresh.stderr);
      assert.doesNotMatch(fresh.stderr, /#(\d+) \[2\/2\] RUN echo step-ran[^\n]*\n#\1 CACHED/);
      assert.match(fresh.stderr, new RegExp(`#\\d+ [\\d.]+ step-ran-${nonce}\\n`));
      const [one, two, three] = await Promise.all([1, 2, 3].map((n) => cat(`attrs-nocache-${name}:${n}`, '/when.txt')));
      assert.equal(two, one, 'the cached build has the first build layer');
      // A fresh value per run (busybox's date has no %N: two runs in one second printed the same seconds).
      assert.notEqual(three, one, '--no-cache ran the RUN again');
    });

    test("--add-host puts the name in the RUN's /etc/hosts", async () => {
      const tag = `attrs-hosts-${name}:1`;
      const r = await build('FROM busybox\nRUN grep -F build-host.example /etc/hosts > /hosts.txt\n', [
        '--no-cache',
        '--add-host',
        'build-host.example:10.11.12.13',
        '-t',
        tag,
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(await cat(tag, '/hosts.txt'), /^10\.11\.12\.13\s+build-host\.example\n$/);
    });

    test('--network none leaves the RUN only lo; --network host gives it the host interfaces', async () => {
      const dockerfile = 'FROM busybox\nRUN ls /sys/class/net | sort > /net.txt\n';
      const none = await build(dockerfile, ['--no-cache', '--network', 'none', '-t', `attrs-net-${name}:none`]);
      assert.equal(none.code, 0, none.stderr);
      assert.equal(await cat(`attrs-net-${name}:none`, '/net.txt'), 'lo\n');
      const host = await build(dockerfile, ['--no-cache', '--network', 'host', '-t', `attrs-net-${name}:host`]);
      assert.equal(host.code, 0, host.stderr);
      // Other tests make and remove bridges and veths all the time (their names vary by helper): the steady ones,
      // lo and the interfaces of the host's default routes, must be there.
      const seen = (await cat(`attrs-net-${name}:host`, '/net.txt')).split('\n').filter(Boolean);
      const uplinks = readFileSync('/proc/net/route', 'utf8')
        .split('\n')
        .slice(1)
        .map((line) => line.split('\t'))
        .filter((fields) => fields[1] === '00000000')
        .map((fields) => fields[0] ?? '');
      for (const nic of ['lo', ...uplinks]) assert.ok(seen.includes(nic), `${nic} not in ${seen.join(' ')}`);
      assert.ok(seen.length > 1, seen.join(' '));
    });

    test("--platform of the host's builds for it; another platform is refused by name (berthd)", async () => {
      const tag = `attrs-platform-${name}:1`;
      const r = await build('FROM busybox\nRUN uname -m > /arch.txt\n', ['--platform', 'linux/amd64', '-t', tag]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(await inspect(tag, '{{.Os}}/{{.Architecture}}'), 'linux/amd64');
      assert.equal(await cat(tag, '/arch.txt'), 'x86_64\n');
      // Docker's engine would look for busybox for arm64 in Docker Hub (tests never leave the machine); berthd
      // builds for its own platform only and says so before any step.
      if (name !== 'berthd') return;
      const other = await build('FROM busybox\nRUN true\n', ['--platform', 'linux/arm64']);
      assert.equal(other.code, 1, other.stderr);
      assert.match(
        other.stderr,
        /ERROR: failed to solve: Unimplemented: platform linux\/arm64 is not supported: berth builds for linux\/amd64 only/,
      );
    });

    // BuildKit's frontend reads `<Dockerfile>.dockerignore` from the Dockerfile's directory and, when there is one,
    // takes it instead of the context's .dockerignore (Docker 20.10's BuildKit does too). berthd used to read only
    // the context's: the file the Dockerfile's ignore file excluded was sent and copied into the image.
    test("<Dockerfile>.dockerignore beside the Dockerfile replaces the context's .dockerignore", async () => {
      const root = mkdtempSync(join(dir, 'own-ignore-'));
      const ctx = join(root, 'ctx');
      const elsewhere = join(root, 'dockerfiles');
      mkdirSync(ctx);
      mkdirSync(elsewhere);
      for (const f of ['keep.txt', 'secret.txt', 'other.txt']) writeFileSync(join(ctx, f), `${f}\n`);
      writeFileSync(join(ctx, '.dockerignore'), 'other.txt\n');
      const text = 'FROM busybox\nCOPY . /c/\n';
      writeFileSync(join(elsewhere, 'app.Dockerfile'), text);
      writeFileSync(join(elsewhere, 'app.Dockerfile.dockerignore'), 'secret.txt\n');
      writeFileSync(join(ctx, 'in.Dockerfile'), text);
      writeFileSync(join(ctx, 'in.Dockerfile.dockerignore'), 'secret.txt\n*.Dockerfile*\n');
      const listed = async (file: string, tag: string): Promise<string[]> => {
        const r = await docker(
          buildx.env(engine(name).env),
          ['build', '--progress=plain', '-f', file, '-t', tag, ctx],
          {
            timeoutMs: 180_000,
          },
        );
        assert.equal(r.code, 0, r.stderr);
        const ls = await docker(engine(name).env, ['run', '--rm', '--network', 'none', tag, 'ls', '-A', '/c']);
        assert.equal(ls.code, 0, ls.stderr);
        return ls.stdout.split('\n').filter(Boolean);
      };
      // Outside the context, and inside it.
      assert.deepEqual(await listed(join(elsewhere, 'app.Dockerfile'), `attrs-ignore-${name}:out`), [
        '.dockerignore',
        'in.Dockerfile',
        'in.Dockerfile.dockerignore',
        'keep.txt',
        'other.txt',
      ]);
      assert.deepEqual(await listed(join(ctx, 'in.Dockerfile'), `attrs-ignore-${name}:in`), [
        '.dockerignore',
        'keep.txt',
        'other.txt',
      ]);
      // Without one, the context's .dockerignore rules.
      writeFileSync(join(elsewhere, 'plain.Dockerfile'), text);
      assert.deepEqual(await listed(join(elsewhere, 'plain.Dockerfile'), `attrs-ignore-${name}:plain`), [
        '.dockerignore',
        'in.Dockerfile',
        'in.Dockerfile.dockerignore',
        'keep.txt',
        'secret.txt',
      ]);
    });

    test('COPY --chmod and --chown set the mode and owner; COPY --link copies the file (Docker 20.10: Unknown flag)', async () => {
      const tag = `attrs-copy-${name}:1`;
      const flags = [
        'FROM busybox',
        'COPY --chmod=0751 a.txt /chmod.txt',
        'COPY --chown=1234:5678 a.txt /chown.txt',
        'COPY --chown=1234:5678 --chmod=0600 a.txt /both.txt',
        '',
      ].join('\n');
      const r = await build(flags, ['-t', tag]);
      assert.equal(r.code, 0, r.stderr);
      const stat = await docker(engine(name).env, [
        'run',
        '--rm',
        '--network',
        'none',
        tag,
        'stat',
        '-c',
        '%a %u:%g %n',
        '/chmod.txt',
        '/chown.txt',
        '/both.txt',
      ]);
      assert.equal(stat.stdout, '751 0:0 /chmod.txt\n644 1234:5678 /chown.txt\n600 1234:5678 /both.txt\n', stat.stderr);

      // --link (Dockerfile syntax 1.4): an independent layer in BuildKit; the same files in the image.
      const linked = await build(
        'FROM busybox\nRUN mkdir -p /dest && echo kept > /dest/old.txt\nCOPY --link --chmod=0640 a.txt /dest/a.txt\n',
        ['-t', `attrs-link-${name}:1`],
      );
      if (name === 'dockerd') {
        assert.equal(linked.code, 1, linked.stderr);
        assert.match(linked.stderr, /Unknown flag: link/);
        return;
      }
      assert.equal(linked.code, 0, linked.stderr);
      const files = await docker(engine(name).env, [
        'run',
        '--rm',
        '--network',
        'none',
        `attrs-link-${name}:1`,
        'sh',
        '-c',
        'stat -c "%a %u:%g %n" /dest/a.txt && cat /dest/a.txt /dest/old.txt',
      ]);
      assert.equal(files.stdout, '640 0:0 /dest/a.txt\ncontext file\nkept\n', files.stderr);
    });
  });
}
