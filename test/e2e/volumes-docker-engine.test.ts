// Volumes against Docker's own engine: `berth volume ...` prints what `docker volume ...` prints on dockerd, and
// the docker CLI sees the same answers (shapes, messages, exit codes) from dockerd and from berthd.
// Skips without root or without dockerd; stops the daemons it starts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isRoot } from '../helpers/daemon.js';
import { docker } from '../helpers/run.js';
import { hasDockerd } from '../helpers/dockerd.js';
import { useDaemon, useDockerd } from '../helpers/use-daemon.js';
import { same } from './cli-compare.js';

const skip = !isRoot() ? 'needs root' : !hasDockerd() ? 'dockerd is not installed' : false;

const engine = useDockerd(skip);
// berthd's volumes the tests left are pruned too, once its containers are gone.
const berthd = useDaemon(skip, {
  tearDown: async (daemon) => {
    await docker(daemon.env, ['volume', 'prune', '-af']);
  },
});

/** The same setup on a daemon: two named volumes (one labelled, one tmpfs) and one in use. */
async function setUp(env: NodeJS.ProcessEnv): Promise<string> {
  for (const args of [
    ['volume', 'create', 'alpha'],
    ['volume', 'create', '--label', 'tier=db', '--label', 'x', 'beta'],
    ['volume', 'create', '-o', 'type=tmpfs', '-o', 'device=tmpfs', '-o', 'o=size=1m', 'gamma'],
  ]) {
    const r = await docker(env, args);
    assert.equal(r.code, 0, r.stderr);
  }
  const created = await docker(env, ['create', '--name', 'user', '-v', 'alpha:/a', 'busybox', 'true']);
  assert.equal(created.code, 0, created.stderr);
  return created.stdout.trim();
}

/** Daemon-specific parts (roots, ids, dates) replaced, so outputs compare. */
const normalise = (s: string, root: string, id: string): string =>
  s
    .replaceAll(root, '<root>')
    .replaceAll(id, '<id>')
    .replace(/"CreatedAt": "[^"]+"/g, '"CreatedAt": "<t>"')
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/g, '<t>');

test('berth volume commands print what docker prints, on dockerd', { skip }, async () => {
  const env = engine.env;
  await setUp(env);
  // The docker CLI prints a volume's labels in Go's map order, which differs from run to run.
  const labelsInOrder = (s: string): string =>
    s.replace(/\t(\S+)$/gm, (_, labels: string) => `\t${labels.split(',').sort().join(',')}`);
  try {
    for (const args of [
      ['volume', 'ls'],
      ['volume', 'ls', '-q'],
      ['volume', 'ls', '-f', 'dangling=true'],
      ['volume', 'ls', '-f', 'label=tier'],
      ['volume', 'ls', '--format', '{{.Name}}\t{{.Labels}}'],
      ['volume', 'inspect', 'beta', 'gamma'],
      ['volume', 'inspect', '-f', '{{.Options}}', 'gamma'],
      ['volume', 'inspect', 'nope'],
      ['volume', 'rm', 'nope'],
      ['volume', 'rm', 'alpha'],
      ['volume', 'create', '-o', 'foo=bar', 'bad'],
      ['volume', 'create', '-o', 'type=tmpfs', 'bad'],
      ['volume', 'ls', '-f', 'bogus=1'],
    ])
      await same(env, args, args.includes('{{.Name}}\t{{.Labels}}') ? labelsInOrder : undefined);
  } finally {
    await docker(env, ['rm', '-f', 'user']);
  }
});

test('the docker CLI gets the same answers from berthd as from dockerd', { skip }, async () => {
  const engines = [
    { env: engine.env, root: '' },
    { env: berthd.env, root: berthd.dataRoot },
  ];
  const dockerRoot = (await docker(engines[0]?.env ?? {}, ['info', '-f', '{{.DockerRootDir}}'])).stdout.trim();
  (engines[0] as { root: string }).root = dockerRoot;
  const outputs: string[][] = [];
  for (const { env, root } of engines) {
    await setUp(env);
    const id = (await docker(env, ['inspect', '-f', '{{.Id}}', 'user'])).stdout.trim();
    const out: string[] = [];
    for (const args of [
      ['volume', 'ls'],
      ['volume', 'inspect', 'alpha', 'beta', 'gamma'],
      ['volume', 'ls', '-f', 'dangling=false'],
      ['volume', 'ls', '-f', 'name=^b'],
      ['inspect', '-f', '{{json .Mounts}}', 'user'],
      ['volume', 'rm', 'alpha'],
      ['volume', 'rm', 'nope'],
      ['volume', 'rm', '-f', 'nope'],
      ['volume', 'create', '-o', 'o=bind', 'bad'],
      ['volume', 'create', '-d', 'nope', 'bad'],
      ['volume', 'create', 'bad name'],
      ['run', '--rm', '--volumes-from', 'nosuch', 'busybox', 'true'],
    ]) {
      const r = await docker(env, args);
      out.push(`$ ${args.join(' ')} -> ${r.code}\n${normalise(r.stdout, root, id)}${normalise(r.stderr, root, id)}`);
    }
    outputs.push(out);
    await docker(env, ['rm', 'user']);
  }
  assert.deepEqual(outputs[1], outputs[0]);
});
