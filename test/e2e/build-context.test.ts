// The build context as real clients send it, against berthd and Docker's engine alike: a Dockerfile outside
// the context (the docker CLI and docker-py send it inside the tar under a generated name), and .dockerignore
// edge cases (`#` in names, `!` re-includes inside an excluded directory, a leading `/`, `**`, Go character
// classes). The same client must get the same image contents from both engines; berth's CLI must send what
// the docker CLI sends; and a raw API client's .dockerignore is left to it, as dockerd's builder leaves it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isRoot } from '../helpers/daemon.js';
import { berth, docker, run } from '../helpers/run.js';
import { hasDockerd } from '../helpers/dockerd.js';
import { apiBuild, contextTar, useBuildEngines, type Engine } from '../helpers/build-api.js';

const PYTHON = '/usr/bin/python3';
const skip = (!isRoot() && 'needs root') || (!hasDockerd() && 'needs dockerd');

const engines = useBuildEngines(skip);
let work: string;

const LIST = 'FROM busybox\nCOPY . /ctx/\nCMD ["sh", "-c", "cd /ctx && find . | sort"]\n';

const CONTEXT: Record<string, string> = {
  '#notes': 'a comment line does not exclude me\n',
  '#hash': 'excluded: " #hash" is a pattern\n',
  'notes#1': 'excluded\n',
  'a.txt': 'excluded\n',
  'keep.txt': 'kept\n',
  'dir/drop': 'excluded\n',
  'dir/keep': 'kept: re-included inside an excluded directory\n',
  'dir/sub/deep.tmp': 'excluded by **\n',
  rooted: 'excluded by /rooted\n',
  'sub/rooted': 'kept: /rooted is anchored\n',
  ax: 'excluded by [!a]x\n',
  cx: 'kept: [!a] is a Go class of ! and a\n',
  'deep.tmp': 'excluded by **\n',
};
const IGNORE = '#notes\n #hash\nnotes#1\n*.txt\n!keep.txt\ndir\n!dir/keep\n/rooted\n**/deep.tmp\n[!a]x\n';

function writeTree(dir: string, files: Record<string, string>): string {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

/** docker-py 5 (Debian's): images.build(path, dockerfile) as a script would call it; prints the image ID. */
async function dockerPyBuild(engine: Engine, path: string, dockerfile: string | undefined): Promise<string> {
  const script =
    'import docker,sys\nc=docker.from_env(timeout=180)\nimg,_=c.images.build(path=sys.argv[1], dockerfile=(sys.argv[2] or None), rm=True)\nprint(img.id)\n';
  const r = await run(PYTHON, ['-c', script, path, dockerfile ?? ''], {
    env: { ...engine.env, PYTHONDONTWRITEBYTECODE: '1' },
    timeoutMs: 180_000,
  });
  assert.equal(r.code, 0, `docker-py on ${engine.name}: ${r.stderr}`);
  return r.stdout.trim();
}

async function cliBuild(engine: Engine, client: 'docker' | 'berth', args: string[]): Promise<string> {
  const runner = client === 'docker' ? docker : berth;
  const r = await runner({ ...engine.env, DOCKER_BUILDKIT: '0' }, ['build', '-q', ...args], { timeoutMs: 180_000 });
  assert.equal(r.code, 0, `${client} build on ${engine.name}: ${r.stdout}${r.stderr}`);
  return r.stdout.trim().split('\n').at(-1) as string;
}

async function listing(engine: Engine, image: string): Promise<string> {
  const r = await docker(engine.env, ['run', '--rm', image]);
  assert.equal(r.code, 0, r.stderr);
  // The name the docker CLI and docker-py give a Dockerfile from outside the context is random.
  return r.stdout.replace(/\.dockerfile\.[0-9a-f]+/g, '.dockerfile.RANDOM');
}

before(() => {
  if (skip) return;
  work = mkdtempSync(join(tmpdir(), 'berth-build-context-'));
});

after(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

test(
  'a Dockerfile outside the context: docker CLI -f and docker-py dockerfile= (absolute path) build alike on both engines',
  { skip },
  async () => {
    const ctx = writeTree(join(work, 'outside-ctx'), {
      'app.txt': 'app\n',
      '.dockerignore': 'secret\n',
      secret: 'no\n',
    });
    const outside = writeTree(join(work, 'elsewhere'), { 'Dockerfile.app': LIST });
    const results: Record<string, string> = {};
    for (const engine of engines) {
      results[`${engine.name} cli`] = await listing(
        engine,
        await cliBuild(engine, 'docker', ['-f', join(outside, 'Dockerfile.app'), ctx]),
      );
      results[`${engine.name} py`] = await listing(
        engine,
        await dockerPyBuild(engine, ctx, join(outside, 'Dockerfile.app')),
      );
      results[`${engine.name} berth`] = await listing(
        engine,
        await cliBuild(engine, 'berth', ['-f', join(outside, 'Dockerfile.app'), ctx]),
      );
    }
    assert.match(
      results['dockerd cli'] as string,
      /^\.\n\.\/\.dockerignore\n\.\/app\.txt\n$/,
      'the generated Dockerfile is dropped, as .dockerignore lists it',
    );
    assert.equal(results['berthd cli'], results['dockerd cli']);
    assert.equal(results['berthd py'], results['dockerd py']);
    assert.equal(results['berthd berth'], results['dockerd berth']);
    assert.doesNotMatch(results['dockerd py'] as string, /secret/);
  },
);

test(
  '.dockerignore edge cases: each client gets the same image contents from berthd and dockerd; berth build sends what docker build sends',
  { skip },
  async () => {
    const ctx = writeTree(join(work, 'ignore-ctx'), { ...CONTEXT, Dockerfile: LIST, '.dockerignore': IGNORE });
    const results: Record<string, string> = {};
    for (const engine of engines) {
      results[`${engine.name} docker`] = await listing(engine, await cliBuild(engine, 'docker', [ctx]));
      results[`${engine.name} berth`] = await listing(engine, await cliBuild(engine, 'berth', [ctx]));
      results[`${engine.name} py`] = await listing(engine, await dockerPyBuild(engine, ctx, undefined));
    }
    const expected =
      [
        '.',
        './#notes',
        './.dockerignore',
        './Dockerfile',
        './cx',
        './dir',
        './dir/keep',
        './keep.txt',
        './sub',
        './sub/rooted',
      ].join('\n') + '\n';
    assert.equal(results['dockerd docker'], expected, 'Docker: the CLI applies the patterns');
    assert.equal(results['berthd docker'], results['dockerd docker']);
    assert.equal(results['dockerd berth'], results['dockerd docker'], 'berth build sends what docker build sends');
    assert.equal(results['berthd berth'], results['dockerd docker']);
    assert.equal(
      results['berthd py'],
      results['dockerd py'],
      'docker-py (its own matcher) gets the same from both engines',
    );
  },
);

test(
  'a raw API client sends everything: the engine drops only .dockerignore and the Dockerfile, and only when .dockerignore lists them',
  { skip },
  async () => {
    const tar = await contextTar({
      ...CONTEXT,
      Dockerfile: LIST,
      '.dockerignore': `${IGNORE}.dockerignore\nDockerfile\n`,
    });
    const listings: string[] = [];
    for (const engine of engines) {
      const r = await apiBuild(engine, tar, { nocache: '1' });
      assert.equal(r.error, undefined, `${engine.name}: ${r.text}`);
      listings.push(await listing(engine, r.id as string));
    }
    assert.equal(listings[0], listings[1], 'berthd and dockerd agree');
    const names = (listings[0] as string).split('\n');
    assert.ok(
      names.includes('./a.txt') && names.includes('./dir/drop') && names.includes('./#hash'),
      'the engine does not apply the other patterns',
    );
    assert.ok(
      !names.includes('./.dockerignore') && !names.includes('./Dockerfile'),
      'listed .dockerignore and Dockerfile are dropped',
    );
  },
);

test(
  'COPY keeps set-uid, set-gid and sticky bits, from the context and from a stage (classic builder)',
  { skip },
  async () => {
    const dir = writeTree(join(work, 'setuid'), {
      tool: '#!/bin/sh\necho tool\n',
      Dockerfile: [
        'FROM busybox AS build',
        'RUN mkdir -p /out/shared && echo grp > /out/grp && chmod 2755 /out/grp && chmod 3777 /out/shared && cp /bin/busybox /out/su && chmod 4755 /out/su',
        'FROM busybox',
        'COPY tool /usr/local/bin/tool',
        'COPY --from=build /out/ /opt/',
        'CMD ["stat", "-c", "%a %n", "/usr/local/bin/tool", "/opt/grp", "/opt/shared", "/opt/su"]',
        '',
      ].join('\n'),
    });
    chmodSync(join(dir, 'tool'), 0o4755);
    const listings: string[] = [];
    for (const engine of engines) listings.push(await listing(engine, await cliBuild(engine, 'docker', [dir])));
    assert.equal(listings[0], '4755 /usr/local/bin/tool\n2755 /opt/grp\n3777 /opt/shared\n4755 /opt/su\n', 'berthd');
    // Docker 20.10's classic builder drops the set-uid bit of a context file (the CLI sends it: berthd keeps it, as
    // BuildKit does on both engines, see the corpus's setuid case); from a stage it keeps every bit.
    const fromStage = (text: string | undefined): string[] =>
      (text ?? '').split('\n').filter((l) => l.includes('/opt/'));
    assert.deepEqual(fromStage(listings[1]), fromStage(listings[0]), 'berthd and dockerd agree on COPY --from');
  },
);
