// Where a buildx build's result goes besides the image store, against Docker's engine 20.10 and berthd side by
// side: `-o type=tar,dest=FILE` and `-o type=local,dest=DIR` (the final filesystem sent back over the session), `--iidfile` and
// `--metadata-file` (written by buildx from the Solve's exporter response), a refused Solve, and the inline cache
// (`--cache-to type=inline`, pushed to a loopback docker-registry, then `--cache-from` it with no local cache), and
// what each engine does with a local cache (`type=local`).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ENGINES, skipClients, useEngines, type EngineName } from '../helpers/engines.js';
import { buildxConfig, type BuildxConfig } from '../helpers/buildx.js';
import { docker, run } from '../helpers/run.js';
import { hasDockerRegistry, startRegistry, type TestRegistry } from '../helpers/docker-registry.js';

const skip = skipClients() || (!hasDockerRegistry() && 'needs docker-registry');
const engine = useEngines(skip);

let buildx: BuildxConfig;
let context: string;
let out: string;
let cacheContext: string;
let registry: TestRegistry;
const tarLists = new Map<EngineName, string>();
const localLists = new Map<EngineName, string>();

before(async () => {
  if (skip) return;
  registry = await startRegistry();
  buildx = buildxConfig();
  context = mkdtempSync(join(tmpdir(), 'berth-buildkit-outputs-'));
  out = mkdtempSync(join(tmpdir(), 'berth-buildkit-out-'));
  writeFileSync(
    join(context, 'Dockerfile'),
    'FROM busybox\nCOPY a.txt /data/a.txt\nRUN ln -s a.txt /data/link && chmod 0600 /data/a.txt\n',
  );
  writeFileSync(join(context, 'a.txt'), 'exported content\n');
  cacheContext = mkdtempSync(join(tmpdir(), 'berth-buildkit-cache-'));
  writeFileSync(
    join(cacheContext, 'Dockerfile'),
    'FROM busybox\nENV STEP=cached\nRUN echo ran-the-step > /step.txt\nCOPY a.txt /a.txt\n',
  );
  writeFileSync(join(cacheContext, 'a.txt'), 'cache content\n');
});

after(async () => {
  buildx?.cleanup();
  await registry?.stop();
  for (const d of [context, out, cacheContext]) if (d) rmSync(d, { recursive: true, force: true });
});

/** The image's config as the registry serves it (inspect does not show every key). */
async function registryConfig(ref: string): Promise<{ config: Record<string, unknown>; layers: string[] }> {
  const [repo, tag] = ref.slice(registry.host.length + 1).split(':') as [string, string];
  const accept = 'application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json';
  const answer = await fetch(`http://${registry.host}/v2/${repo}/manifests/${tag}`, { headers: { accept } });
  const body = await answer.text();
  const manifest = JSON.parse(body) as { config?: { digest: string }; layers?: { digest: string }[] };
  if (!manifest.config || !manifest.layers) throw new Error(`${ref}: not an image manifest: ${answer.status} ${body}`);
  const config = (await (
    await fetch(`http://${registry.host}/v2/${repo}/blobs/${manifest.config.digest}`)
  ).json()) as Record<string, unknown>;
  return { config, layers: manifest.layers.map((l) => l.digest) };
}

/** BuildKit's inline cache: the records of a CacheConfig (the layers are the image's). */
type InlineCache = { digest: string; layers?: { layer: number }[]; inputs?: { link: number }[][] }[];

for (const name of ENGINES) {
  describe(`buildx outputs against ${name}`, { skip }, () => {
    const build = (args: string[]) =>
      docker(buildx.env(engine(name).env), ['build', '--progress=plain', ...args, context], { timeoutMs: 120_000 });

    test('-o type=tar writes the final filesystem to the client', async () => {
      const file = join(out, `${name}.tar`);
      const r = await build(['-o', `type=tar,dest=${file}`]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /#\d+ exporting to client\n/);
      const listed = await run('tar', ['-tvf', file]);
      assert.equal(listed.code, 0, listed.stderr);
      assert.match(listed.stdout, /^-rw------- 0\/0 +17 .* data\/a\.txt$/m);
      assert.match(listed.stdout, /^lrwxrwxrwx 0\/0 +0 .* data\/link -> a\.txt$/m);
      assert.match(listed.stdout, / bin\/busybox$/m);
      const content = await run('tar', ['-xOf', file, 'data/a.txt']);
      assert.equal(content.stdout, 'exported content\n');
      tarLists.set(name, (await run('tar', ['-tf', file])).stdout.split('\n').sort().join('\n'));
      if (tarLists.size === 2) assert.equal(tarLists.get('berthd'), tarLists.get('dockerd'));
    });

    test('-o type=local writes the final filesystem into a directory, with modes and links', async () => {
      const dir = join(out, `${name}-local`);
      const r = await build(['-o', `type=local,dest=${dir}`]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /#\d+ exporting to client\n/);
      const st = lstatSync(join(dir, 'data/a.txt'));
      assert.equal(st.mode & 0o7777, 0o600);
      assert.equal(readFileSync(join(dir, 'data/a.txt'), 'utf8'), 'exported content\n');
      assert.equal(readlinkSync(join(dir, 'data/link')), 'a.txt');
      assert.equal(lstatSync(join(dir, 'bin/busybox')).mode & 0o7777, 0o755);
      localLists.set(name, (await run('find', [dir, '-printf', '%P %y %m\n'])).stdout.split('\n').sort().join('\n'));
      if (localLists.size === 2) assert.equal(localLists.get('berthd'), localLists.get('dockerd'));
    });

    // buildx's gateway client waits on the daemon's gateway calls, not on the Solve, so a refused Solve must end
    // them too, or the CLI prints the error and never exits. An exporter neither engine has is refused by both.
    test('a Solve refused at its start fails the build and the CLI exits with the error', async () => {
      const r = await build(['-o', 'type=bogus']);
      assert.equal(r.code, 1, r.stderr);
      // buildx prints a gRPC code other than Unknown before the message; berth refuses with Unimplemented.
      const refused =
        name === 'dockerd' ? /exporter "bogus" could not be found/ : /Unimplemented: exporter "bogus" is not supported/;
      assert.match(r.stderr, new RegExp(`ERROR: failed to solve: ${refused.source}`));
      if (name !== 'berthd') return;
      // Docker 20.10's BuildKit ignores image exporter attributes it does not know and only warns about a cache
      // importer it does not have; berth refuses both by name.
      const attr = await build(['-o', 'type=image,name=bk-out:attr,never-heard-of=1']);
      assert.equal(attr.code, 1, attr.stderr);
      assert.match(
        attr.stderr,
        /ERROR: failed to solve: Unimplemented: exporter attribute "never-heard-of" is not supported by berth/,
      );
      const importer = await build(['--cache-from', 'type=bogus,ref=x']);
      assert.equal(importer.code, 1, importer.stderr);
      assert.match(
        importer.stderr,
        /ERROR: failed to solve: Unimplemented: cache importer "bogus" \(--cache-from type=bogus\) is not supported/,
      );
    });

    // A local cache is an OCI layout the client serves over its session (buildx reads index.json's `latest`).
    // Only BuildKit writes one (buildx's docker driver refuses --cache-to type=local itself), keyed by LLB digests
    // berth's step keys never match: berth refuses the importer by name rather than import nothing silently.
    test('--cache-to type=local is refused by buildx for the docker driver; --cache-from type=local is refused by berth by name', async () => {
      const exported = await build(['--cache-to', `type=local,dest=${join(out, `${name}-cache`)}`]);
      assert.equal(exported.code, 1, exported.stderr);
      assert.match(exported.stderr, /ERROR: cache export feature is currently not supported for docker driver/);

      const layout = mkdtempSync(join(tmpdir(), 'berth-local-cache-'));
      try {
        mkdirSync(join(layout, 'blobs', 'sha256'), { recursive: true });
        const blob = (value: object): { digest: string; size: number } => {
          const bytes = Buffer.from(JSON.stringify(value));
          const hex = createHash('sha256').update(bytes).digest('hex');
          writeFileSync(join(layout, 'blobs', 'sha256', hex), bytes);
          return { digest: `sha256:${hex}`, size: bytes.length };
        };
        const config = blob({ layers: [], records: [] });
        const index = blob({
          schemaVersion: 2,
          mediaType: 'application/vnd.oci.image.index.v1+json',
          manifests: [{ mediaType: 'application/vnd.buildkit.cacheconfig.v0', ...config }],
        });
        writeFileSync(join(layout, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
        writeFileSync(
          join(layout, 'index.json'),
          JSON.stringify({
            schemaVersion: 2,
            manifests: [
              {
                mediaType: 'application/vnd.oci.image.index.v1+json',
                ...index,
                annotations: { 'org.opencontainers.image.ref.name': 'latest' },
              },
            ],
          }),
        );
        const imported = await build(['--network', 'none', '--cache-from', `type=local,src=${layout}`]);
        if (name === 'dockerd') {
          // Docker 20.10's BuildKit reads it from the session (an empty cache: every step runs).
          assert.equal(imported.code, 0, imported.stderr);
          assert.match(imported.stderr, /importing cache manifest from local:/);
        } else {
          assert.equal(imported.code, 1, imported.stderr);
          assert.match(
            imported.stderr,
            /ERROR: failed to solve: Unimplemented: cache importer "local" \(--cache-from type=local\) is not supported by berth/,
          );
        }
      } finally {
        rmSync(layout, { recursive: true, force: true });
      }
    });

    test('--cache-to type=inline puts the cache in the image config; --cache-from reuses its steps; --iidfile, --metadata-file', async () => {
      const env = engine(name).env;
      const ref = `${registry.host}/bk-inline-${name}:1`;
      const built = await docker(
        buildx.env(env),
        ['build', '--progress=plain', '--cache-to', 'type=inline', '-t', ref, cacheContext],
        { timeoutMs: 120_000 },
      );
      assert.equal(built.code, 0, built.stderr);
      const pushed = await docker(env, ['push', ref]);
      assert.equal(pushed.code, 0, pushed.stderr);
      // BuildKit's shape on both: base64 JSON records, each a digest, pointing at the image's layers and each other.
      const { config, layers } = await registryConfig(ref);
      const field = config['moby.buildkit.cache.v0'];
      assert.equal(typeof field, 'string');
      const records = JSON.parse(Buffer.from(field as string, 'base64').toString('utf8')) as InlineCache;
      assert.ok(Array.isArray(records) && records.length >= 2, String(field));
      for (const r of records) {
        assert.match(r.digest, /^sha256:[0-9a-f]{64}$/);
        for (const input of r.inputs ?? []) for (const { link } of input) assert.ok(link >= 0 && link < records.length);
      }
      const top = Math.max(...records.flatMap((r) => (r.layers ?? []).map((l) => l.layer)));
      assert.equal(top, layers.length - 1);

      // No local trace of the build: the image and the build cache gone, the next build reads the registry's.
      assert.equal((await docker(env, ['rmi', ref])).code, 0);
      const pruned = await docker(buildx.env(env), ['buildx', 'prune', '-af']);
      assert.equal(pruned.code, 0, pruned.stderr);
      // The same build writes --iidfile and --metadata-file (one build fewer for the file).
      const iid = join(out, `${name}.iid`);
      const meta = join(out, `${name}.json`);
      const tag = `bk-inline-${name}:2`;
      const again = await docker(
        buildx.env(env),
        [
          'build',
          '--progress=plain',
          '--cache-from',
          ref,
          '-t',
          tag,
          '--iidfile',
          iid,
          '--metadata-file',
          meta,
          cacheContext,
        ],
        { timeoutMs: 120_000 },
      );
      assert.equal(again.code, 0, again.stderr);
      // The cache image is read, not stored under its name (BuildKit keeps it in its own content store).
      const cacheImage = await docker(env, ['image', 'inspect', ref]);
      assert.notEqual(cacheImage.code, 0, `--cache-from tagged ${ref}`);
      const id = (await docker(env, ['image', 'inspect', '-f', '{{.Id}}', tag])).stdout.trim();
      assert.match(id, /^sha256:[0-9a-f]{64}$/);
      assert.equal(readFileSync(iid, 'utf8'), id);
      const metadata = JSON.parse(readFileSync(meta, 'utf8')) as Record<string, string>;
      assert.equal(metadata['containerimage.digest'], id);
      // Docker 20.10's BuildKit answers the digest only; later ones (and berth) add the names.
      if (name === 'berthd') assert.equal(metadata['image.name'], `docker.io/library/${tag}`);
      assert.match(again.stderr, /#(\d+) \[2\/3\] RUN echo ran-the-step > \/step\.txt\n#\1 CACHED/);
      // dockerd pulls the cached layers under the step's vertex.
      assert.match(again.stderr, /#(\d+) \[3\/3\] COPY a\.txt \/a\.txt\n(#\1 pulling [^\n]*\n)*#\1 CACHED/);
      assert.doesNotMatch(again.stderr, / ran-the-step\n/);
      const ran = await docker(env, ['run', '--rm', '--network', 'none', tag, 'cat', '/step.txt', '/a.txt']);
      assert.equal(ran.stdout, 'ran-the-step\ncache content\n', ran.stderr);
    });
  });
}
