// berth against berthd: version, info, inspect, usage errors and the terminal checks, compared with the
// docker CLI on the same daemon. The image commands run as soon as berthd serves the image routes.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { isRoot, BERTH, REPO_ROOT } from '../helpers/daemon.js';
import { useDaemon } from '../helpers/use-daemon.js';
import { berth, run } from '../helpers/run.js';
import { both, makeFixture, type Fixture } from './cli-fixture.js';
import { imageCommandsMatch, same } from './cli-compare.js';

const skip = !isRoot() && 'needs root';
const PACKAGE_VERSION = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string })
  .version;

// No busybox: the image tests load cli-fixture.ts's archive (a fixed creation time) themselves.
const daemon = useDaemon(skip, { load: 'none' });
let fixture: Fixture | undefined;
after(() => {
  if (fixture) rmSync(fixture.dir, { recursive: true, force: true });
});

const withoutClient = (s: string): string => s.replace(/^Client:\n(.*\n)*?\n/m, '');

test('version and info print what docker prints for berthd', { skip }, async () => {
  await same(daemon.env, ['version'], withoutClient);
  await same(daemon.env, ['info'], withoutClient);
  await same(daemon.env, ['system', 'info', '--format', '{{.Name}} {{.NCPU}} {{.DockerRootDir}} {{json .Runtimes}}']);
  await same(daemon.env, [
    'version',
    '--format',
    '{{.Server.Version}} {{.Server.APIVersion}} {{range .Server.Components}}{{.Name}},{{end}}',
  ]);
  await same(daemon.env, ['version', '--format', '{{.Server.Nope'], withoutClient);
  const json = await berth(daemon.env, ['version', '--format', '{{json .}}']);
  const parsed = JSON.parse(json.stdout) as { Client: { ApiVersion: string }; Server: { ApiVersion: string } };
  assert.equal(parsed.Client.ApiVersion, '1.47');
  assert.equal(parsed.Server.ApiVersion, '1.47');
});

test('--version and -v print one line shaped as docker --version; with a verb the verb runs', { skip }, async () => {
  const shape = /^(\w+) version (\S+), build (\S+)\n$/;
  for (const flag of ['--version', '-v']) {
    const r = await both(daemon.env, [flag]);
    assert.equal(r.docker.stdout.match(shape)?.[1], 'Docker', r.docker.stdout);
    const [, name, version] = r.berth.stdout.match(shape) ?? [];
    assert.deepEqual([name, version, r.berth.stderr, r.berth.code], ['berth', PACKAGE_VERSION, '', 0], r.berth.stdout);
  }
  // docker ignores -v before a verb and refuses --version after one; berth does the same.
  assert.match(await same(daemon.env, ['-v', 'ps', '--format', '{{.ID}}']), /^$/);
  await same(daemon.env, ['ps', '--version']);
  const help = await berth(daemon.env, ['--version', '--help']);
  assert.deepEqual([help.stdout.includes('Usage:  berth [OPTIONS] COMMAND'), help.code], [true, 0]);
});

test('inspect of missing objects and usage errors match docker', { skip }, async () => {
  await same(daemon.env, ['inspect', 'nothing-here']);
  await same(daemon.env, ['inspect', '--type', 'bogus', 'x']);
  for (const args of [
    ['images', '--bogus'],
    ['history'],
    ['tag', 'a'],
    ['save'],
    ['load', 'x'],
    ['image', 'prune', 'x'],
    ['system', 'df', 'x'],
    ['info', '--format'],
  ]) {
    await same(daemon.env, args);
  }
});

test('-H and BERTH_HOST pick the daemon; a missing one is reported', { skip }, async () => {
  const env = { ...process.env, BERTH_HOST: 'unix:///nonexistent.sock', DOCKER_HOST: '' };
  const viaFlag = await berth(env, ['-H', `unix://${daemon.socketPath}`, 'version', '--format', '{{.Server.Os}}']);
  assert.deepEqual([viaFlag.stdout, viaFlag.code], ['linux\n', 0]);
  const missing = await berth(env, ['images']);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /Cannot connect to the berth daemon at unix:\/\/\/nonexistent.sock/);
});

test('save refuses to write a tar to a terminal', { skip }, async () => {
  // script(1) gives berth a terminal for stdout.
  const res = await run('script', ['-qec', `${process.execPath} ${BERTH} save busybox`, '/dev/null'], {
    env: daemon.env,
  });
  assert.match(res.stdout, /cowardly refusing to save to a terminal\. Use the -o flag or redirect/);
  assert.notEqual(res.code, 0);
});

test('image commands print what docker prints (berthd)', { skip }, async () => {
  fixture = makeFixture();
  await imageCommandsMatch(daemon.env, fixture);
});
