// berth against Docker's own engine: the same commands through `docker` and `berth` print the same.
// Skips without root or without dockerd; stops the dockerd (and its containerd) it starts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { isRoot } from '../helpers/daemon.js';
import { berth } from '../helpers/run.js';
import { makeFixture, type Fixture } from './cli-fixture.js';
import { hasDockerd, startDockerd, type DockerEngine } from '../helpers/dockerd.js';
import { imageCommandsMatch, same } from './cli-compare.js';

const skip = !isRoot() ? 'needs root' : !hasDockerd() ? 'dockerd is not installed' : false;

let engine: DockerEngine | undefined;
let fixture: Fixture;
before(async () => {
  if (skip) return;
  fixture = makeFixture();
  engine = await startDockerd();
});
after(async () => {
  await engine?.stop();
  if (fixture) rmSync(fixture.dir, { recursive: true, force: true });
});

test('image commands print what docker prints (dockerd)', { skip }, async () => {
  await imageCommandsMatch((engine as DockerEngine).env, fixture);
});

test('info and version server sections match docker (dockerd)', { skip }, async () => {
  const env = (engine as DockerEngine).env;
  // The client sections differ by design; Runtimes is a Go map, printed in any order by docker.
  await same(env, ['info'], (s) => s.replace(/^Client:\n(.*\n)*?\n/m, '').replace(/ Runtimes: .*\n/, ''));
  await same(env, ['version'], (s) => s.replace(/^Client:\n(.*\n)*?\n/m, ''));
  await same(env, [
    'version',
    '--format',
    '{{.Server.APIVersion}} {{.Server.Os}} {{(index .Server.Components 0).Name}}',
  ]);
  await same(env, ['info', '--format', '{{.Images}} {{.Driver}} {{.DockerRootDir}} {{json .Plugins.Volume}}']);
});

test('usage errors are docker usage errors', { skip }, async () => {
  const env = (engine as DockerEngine).env;
  for (const args of [
    ['images', '--bogus'],
    ['images', '-x'],
    ['images', '-af'],
    ['images', 'a', 'b'],
    ['tag'],
    ['rmi'],
    ['version', 'x'],
    ['foo'],
    ['image', 'foo'],
    ['images', '--filter'],
  ]) {
    await same(env, args);
  }
  const bad = await berth(env, ['tag', 'busybox', 'Bad:x']);
  assert.equal(
    bad.stderr,
    'Error parsing reference: "Bad:x" is not a valid repository/tag: invalid reference format: repository name (library/Bad) must be lowercase\n',
  );
  assert.equal(bad.code, 1);
});
