// Where a buildx build's result goes besides the image store, against Docker's engine 20.10 and berthd side by
// side: `-o type=tar,dest=FILE` and `-o type=local,dest=DIR` (the final filesystem sent back over the session), `--iidfile` and
// `--metadata-file` (written by buildx from the Solve's exporter response).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { lstatSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ENGINES, skipClients, useEngines, type EngineName } from '../helpers/engines.js';
import { buildxConfig, type BuildxConfig } from '../helpers/buildx.js';
import { docker, run } from '../helpers/run.js';

const skip = skipClients();
const engine = useEngines(skip);

let buildx: BuildxConfig;
let context: string;
let out: string;
const tarLists = new Map<EngineName, string>();
const localLists = new Map<EngineName, string>();

before(() => {
  if (skip) return;
  buildx = buildxConfig();
  context = mkdtempSync(join(tmpdir(), 'berth-buildkit-outputs-'));
  out = mkdtempSync(join(tmpdir(), 'berth-buildkit-out-'));
  writeFileSync(
    join(context, 'Dockerfile'),
    'FROM busybox\nCOPY a.txt /data/a.txt\nRUN ln -s a.txt /data/link && chmod 0600 /data/a.txt\n',
  );
  writeFileSync(join(context, 'a.txt'), 'exported content\n');
});

after(() => {
  buildx?.cleanup();
  for (const d of [context, out]) if (d) rmSync(d, { recursive: true, force: true });
});

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

    test('--iidfile and --metadata-file name the image built', async () => {
      const iid = join(out, `${name}.iid`);
      const meta = join(out, `${name}.json`);
      const r = await build(['-t', 'bk-out:meta', '--iidfile', iid, '--metadata-file', meta]);
      assert.equal(r.code, 0, r.stderr);
      const id = (await docker(engine(name).env, ['image', 'inspect', '-f', '{{.Id}}', 'bk-out:meta'])).stdout.trim();
      assert.match(id, /^sha256:[0-9a-f]{64}$/);
      assert.equal(readFileSync(iid, 'utf8'), id);
      const metadata = JSON.parse(readFileSync(meta, 'utf8')) as Record<string, string>;
      assert.equal(metadata['containerimage.digest'], id);
      // Docker 20.10's BuildKit answers the digest only; later ones (and berth) add the names.
      if (name === 'berthd') assert.equal(metadata['image.name'], 'docker.io/library/bk-out:meta');
    });
  });
}
