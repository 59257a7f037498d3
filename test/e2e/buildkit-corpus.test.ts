// The BuildKit corpus (test/fixtures/buildkit-corpus): every case built with the docker CLI and buildx on Docker's
// engine 20.10 (its BuildKit) and on berthd, then the two images compared: the config fields a Dockerfile sets,
// the number of layers, and the final filesystem (`docker create` + `docker export`: every path with its type,
// mode, owner, link target and content). A failing case must fail on both with its step's output and error.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chmodSync, createReadStream, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tar from 'tar-stream';
import { ENGINES, skipClients, useEngines, type EngineName } from '../helpers/engines.js';
import { buildxConfig, type BuildxConfig } from '../helpers/buildx.js';
import { docker } from '../helpers/run.js';
import { REPO_ROOT } from '../helpers/daemon.js';

const skip = skipClients();
const engine = useEngines(skip);
const CORPUS = join(REPO_ROOT, 'test/fixtures/buildkit-corpus');

interface Case {
  args?: string[];
  /** Secret id -> file in the case's directory. */
  secrets?: Record<string, string>;
  /** An image the case's FROM needs, built first from a Dockerfile of the case. */
  before?: { file: string; tag: string };
  /** The build must fail with this in its error, and show `output`. */
  fails?: string;
  output?: string[];
  /** Why Docker 20.10 cannot build the case (then berthd alone is checked against `files`). */
  dockerd?: string;
  dockerdFails?: string;
  files?: Record<string, string>;
  /** Modes (octal) set on context files before the build: git keeps no set-uid, set-gid or sticky bit. */
  modes?: Record<string, string>;
}

const cases = readdirSync(CORPUS, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => ({ name: d.name, spec: JSON.parse(readFileSync(join(CORPUS, d.name, 'case.json'), 'utf8')) as Case }));

/** The parts of an image's config a Dockerfile sets. */
const CONFIG_FIELDS = ['Env', 'Cmd', 'Entrypoint', 'WorkingDir', 'User', 'Labels', 'ExposedPorts'] as const;

/** What `docker export` adds on any engine (the container's own files), not the image's. */
const CONTAINER_PATHS = /^(\.dockerenv|dev\/.*|proc\/|sys\/|etc\/(hosts|hostname|resolv\.conf|mtab))$/;

/** The diff ID of an empty layer (a tar of two zero blocks). */
const EMPTY_LAYER = 'sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef';

interface Built {
  code: number | null;
  stderr: string;
  config?: Record<string, unknown>;
  layers?: number;
  files?: Map<string, string>;
}

let buildx: BuildxConfig;
let scratch: string;
const results = new Map<string, Built>();

async function exportedFiles(env: NodeJS.ProcessEnv, image: string): Promise<Map<string, string>> {
  const created = await docker(env, ['create', image]);
  assert.equal(created.code, 0, created.stderr);
  const id = created.stdout.trim();
  const file = join(scratch, `${id}.tar`);
  try {
    const exported = await docker(env, ['export', '-o', file, id], { timeoutMs: 60_000 });
    assert.equal(exported.code, 0, exported.stderr);
    const files = new Map<string, string>();
    const extract = tar.extract();
    extract.on('entry', (h, stream, next) => {
      const hash = createHash('sha256');
      stream.on('data', (c: unknown) => void hash.update(c as Buffer));
      stream.on('end', () => {
        const name = h.name.replace(/^\.?\//, '');
        if (!CONTAINER_PATHS.test(name)) {
          // Go's archive/tar (dockerd) also writes the type bits into the mode; the permission bits are compared.
          const mode = ((h.mode ?? 0) & 0o7777).toString(8);
          const what = h.type === 'file' ? hash.digest('hex').slice(0, 16) : (h.linkname ?? '');
          files.set(name, `${h.type} ${mode} ${h.uid}:${h.gid} ${what}`);
        }
        next();
      });
      stream.resume();
    });
    await new Promise<void>((resolve, reject) => {
      extract.on('finish', resolve);
      extract.on('error', reject);
      createReadStream(file).on('error', reject).pipe(extract);
    });
    return files;
  } finally {
    await docker(env, ['rm', id]);
    rmSync(file, { force: true });
  }
}

async function buildCase(name: EngineName, c: { name: string; spec: Case }): Promise<Built> {
  const env = buildx.env(engine(name).env);
  const dir = join(CORPUS, c.name);
  const tag = `corpus-${c.name}`;
  for (const [file, mode] of Object.entries(c.spec.modes ?? {})) chmodSync(join(dir, file), parseInt(mode, 8));
  if (c.spec.before) {
    const b = await docker(env, ['build', '-f', join(dir, c.spec.before.file), '-t', c.spec.before.tag, dir], {
      timeoutMs: 120_000,
    });
    assert.equal(b.code, 0, b.stderr);
  }
  const secrets = Object.entries(c.spec.secrets ?? {}).flatMap(([id, f]) => [
    '--secret',
    `id=${id},src=${join(dir, f)}`,
  ]);
  const r = await docker(env, ['build', '--progress=plain', ...(c.spec.args ?? []), ...secrets, '-t', tag, dir], {
    timeoutMs: 180_000,
  });
  if (r.code !== 0) return { code: r.code, stderr: r.stderr };
  const inspect = await docker(env, ['image', 'inspect', '-f', '{{json .Config}}|{{json .RootFS.Layers}}', tag]);
  const [config, layers] = inspect.stdout.trim().split('|');
  return {
    code: 0,
    stderr: r.stderr,
    config: JSON.parse(config as string) as Record<string, unknown>,
    layers: (JSON.parse(layers as string) as string[]).filter((l) => l !== EMPTY_LAYER).length,
    files: await exportedFiles(env, tag),
  };
}

before(() => {
  if (skip) return;
  buildx = buildxConfig();
  scratch = mkdtempSync(join(tmpdir(), 'berth-corpus-'));
});

after(() => {
  buildx?.cleanup();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('the BuildKit corpus builds the same images on dockerd and berthd', { skip }, () => {
  for (const c of cases) {
    test(c.name, async () => {
      for (const name of ENGINES) results.set(`${name}/${c.name}`, await buildCase(name, c));
      const berthd = results.get(`berthd/${c.name}`) as Built;
      const dockerd = results.get(`dockerd/${c.name}`);

      if (c.spec.fails) {
        for (const [name, r] of [
          ['berthd', berthd],
          ['dockerd', dockerd],
        ] as const) {
          if (!r) continue;
          assert.equal(r.code, 1, `${name}: ${r.stderr}`);
          assert.ok(r.stderr.includes(c.spec.fails), `${name}: ${r.stderr}`);
          for (const line of c.spec.output ?? []) assert.match(r.stderr, new RegExp(`#\\d+ [\\d.]+ ${line}\\n`));
          assert.match(r.stderr, /ERROR: failed to solve: /);
          // BuildKit's words since v0.10 (Docker 23+); Docker 20.10's BuildKit 0.8 said "executor failed running [...]".
          if (name === 'berthd')
            assert.match(
              r.stderr,
              /ERROR: failed to solve: process "\/bin\/sh -c [^"]*" did not complete successfully: exit code: /,
            );
        }
        // Nothing is named after a failed build.
        for (const name of ENGINES) {
          const inspect = await docker(engine(name).env, ['image', 'inspect', `corpus-${c.name}`]);
          assert.notEqual(inspect.code, 0, `${name}: a failed build named its image`);
        }
        return;
      }
      assert.equal(berthd.code, 0, berthd.stderr);
      if (c.spec.dockerd) {
        // A case Docker 20.10 cannot build (the case says why): it must refuse it, and berthd's files are checked.
        if (dockerd) {
          assert.notEqual(dockerd.code, 0);
          assert.ok(dockerd.stderr.includes(c.spec.dockerdFails ?? ''), dockerd.stderr);
        }
        for (const [path, content] of Object.entries(c.spec.files ?? {})) {
          const want = `file 644 0:0 ${createHash('sha256').update(content).digest('hex').slice(0, 16)}`;
          assert.equal(berthd.files?.get(path), want, path);
        }
        return;
      }
      if (!dockerd) return;
      assert.equal(dockerd.code, 0, dockerd.stderr);
      for (const field of CONFIG_FIELDS)
        assert.deepEqual(berthd.config?.[field] ?? null, dockerd.config?.[field] ?? null, `Config.${field}`);
      // Docker 20.10's BuildKit commits a WORKDIR of a directory that exists as an empty layer (the empty tar's
      // diff ID); berth, as later BuildKit, adds no layer for a step that changes nothing.
      assert.equal(berthd.layers, dockerd.layers, 'number of non-empty layers');
      const paths = [...new Set([...(berthd.files?.keys() ?? []), ...(dockerd.files?.keys() ?? [])])].sort();
      const differ = paths
        .filter((p) => berthd.files?.get(p) !== dockerd.files?.get(p))
        .map((p) => `${p}: berthd ${berthd.files?.get(p) ?? '-'} / dockerd ${dockerd.files?.get(p) ?? '-'}`);
      assert.deepEqual(differ, [], 'files that differ');
    });
  }
});
