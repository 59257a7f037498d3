// The image and system commands, run through `docker` and `berth` against one daemon, compared byte
// for byte. Used against Docker's own engine and against berthd.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { berth, docker } from '../helpers/run.js';
import { asDocker, both, type Fixture } from './cli-fixture.js';

/** Both clients print the same stdout and stderr (berth naming itself) and exit the same. */
export async function same(
  env: NodeJS.ProcessEnv,
  args: string[],
  normalise: (s: string) => string = (s) => s,
): Promise<string> {
  const r = await both(env, args);
  const label = `berth ${args.join(' ')}`;
  assert.equal(normalise(asDocker(r.berth.stdout)), normalise(r.docker.stdout), `${label}: stdout`);
  assert.equal(normalise(asDocker(r.berth.stderr)), normalise(r.docker.stderr), `${label}: stderr`);
  assert.equal(r.berth.code, r.docker.code, `${label}: exit code`);
  return r.berth.stdout;
}

const ok = async (env: NodeJS.ProcessEnv, args: string[], client = berth): Promise<string> => {
  const r = await client(env, args);
  assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
};

/** Lines in order, since the daemon may list images of the same age in any order. */
const sortedLines = (s: string): string => s.split('\n').sort().join('\n');

export async function imageCommandsMatch(env: NodeJS.ProcessEnv, fixture: Fixture): Promise<void> {
  // load: berth and docker print the same progress for the same archive.
  const loaded = await same(env, ['load', '-i', fixture.archive]);
  assert.equal(loaded, 'Loaded image: busybox:latest\n');
  await ok(env, ['tag', 'busybox', 'busybox:two']);
  await ok(env, ['image', 'tag', 'busybox:two', 'example.com/team/busybox:three']);

  for (const args of [
    ['images'],
    ['images', '-a'],
    ['image', 'ls', '--no-trunc'],
    ['images', '--digests'],
    ['image', 'list', 'busybox'],
    ['images', '--format', '{{json .}}'],
    ['images', '--format', 'json'],
    ['images', '--format', 'table {{.ID}}\t{{.Repository}}:{{.Tag}}\t{{.Size}}'],
    ['images', '--filter', 'reference=busybox:two'],
    ['images', '--format', '{{.Nope}}'],
    ['images', '--format', '{{.ID}'],
  ])
    await same(env, args, sortedLines);
  await same(env, ['images', '-aq']);
  await same(env, ['image', 'ls', '-q', '--no-trunc']);

  for (const args of [
    ['image', 'inspect', 'busybox'],
    ['inspect', 'busybox', 'busybox:two'],
    ['image', 'inspect', 'busybox', 'nope'],
    ['inspect', '--type', 'image', 'busybox'],
    ['inspect', 'nope'],
    [
      'image',
      'inspect',
      '-f',
      '{{.Config.Cmd}} {{index .RepoTags 0}} {{json .Config.Labels}} {{.Config.Labels}} {{.Config.Entrypoint}} {{len .RootFS.Layers}}',
      'busybox',
    ],
    [
      'image',
      'inspect',
      '--format',
      '{{range .RepoTags}}{{.}},{{end}} {{.Os}}/{{.Architecture}} {{.Author}}',
      'busybox',
    ],
    ['image', 'inspect', '-f', '{{.Nope', 'busybox'],
  ])
    await same(env, args);

  for (const args of [
    ['history', 'busybox'],
    ['history', '--no-trunc', 'busybox'],
    ['image', 'history', '-H=false', 'busybox'],
    ['history', '-q', 'busybox'],
    ['history', '--format', 'json', 'busybox'],
    ['history', '--format', '{{.ID}}: {{.CreatedBy}}', 'busybox'],
  ])
    await same(env, args);

  await same(env, ['system', 'df']);
  await same(env, ['system', 'df', '-v'], (s) =>
    s.replace(/\d+ seconds? ago|Less than a second ago|About a minute ago/g, 'recently'),
  );
  await same(env, ['system', 'df', '--format', '{{json .}}']);

  // save | load round trip through a file, and to stdout.
  const dir = mkdtempSync(join(tmpdir(), 'berth-cli-save-'));
  try {
    const file = join(dir, 'saved.tar');
    await ok(env, ['save', '-o', file, 'busybox:two']);
    assert.ok(statSync(file).size > 1_000_000, 'the saved tar holds the layer');
    const removed = await ok(env, ['rmi', 'busybox:two']);
    assert.equal(removed, 'Untagged: busybox:two\n');
    assert.equal(await ok(env, ['load', '-i', file]), 'Loaded image: busybox:two\n');
    const piped = await berth(env, ['save', 'busybox']);
    assert.equal(piped.code, 0, piped.stderr);
    assert.ok(piped.stdout.length > 1_000_000);
    await same(env, ['save', '-o', join(dir, 'missing/dir.tar'), 'busybox']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  // rmi: the same messages for the same removals; errors collected at the end.
  await ok(env, ['tag', 'busybox', 'gone:1'], docker);
  const d = await docker(env, ['rmi', 'gone:1', 'nope']);
  await ok(env, ['tag', 'busybox', 'gone:1'], docker);
  const b = await berth(env, ['rmi', 'gone:1', 'nope']);
  assert.deepEqual([b.stdout, b.stderr, b.code], [d.stdout, d.stderr, d.code]);

  // import with changes, then prune the dangling import: docker's prompt and report.
  const id = (
    await ok(env, ['import', '-c', 'CMD ["/bin/sh", "-c", "echo hi"]', '-m', 'imported', fixture.rootfs])
  ).trim();
  assert.match(id, /^sha256:[0-9a-f]{64}$/);
  assert.equal(
    await ok(env, ['image', 'inspect', '-f', '{{.Config.Cmd}}|{{.Comment}}', id]),
    '[/bin/sh -c echo hi]|imported\n',
  );
  const declined = await berth(env, ['image', 'prune'], { input: 'n\n' });
  assert.deepEqual(
    [declined.stdout, declined.code],
    ['WARNING! This will remove all dangling images.\nAre you sure you want to continue? [y/N] ', 0],
  );
  const pruned = await berth(env, ['image', 'prune'], { input: 'y\n' });
  assert.equal(pruned.code, 0, pruned.stderr);
  assert.match(
    pruned.stdout,
    new RegExp(
      `\\[y/N\\] Deleted Images:\\ndeleted: ${id}\\n(deleted: sha256:[0-9a-f]{64}\\n)*\\nTotal reclaimed space: [0-9.]+[kMG]?B\\n$`,
    ),
  );
}
