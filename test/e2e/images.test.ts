// The image store end to end with the real docker CLI: load (docker-archive, OCI layout), list, inspect, tag,
// history, save | load round trip, rmi, prune, system df; bad archives refused with nothing left behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { isRoot } from '../helpers/daemon.js';
import { useDaemon } from '../helpers/use-daemon.js';
import { docker } from '../helpers/run.js';
import { testImages } from '../helpers/images.js';
import { hostileLayers } from '../fixtures/hostile-tars.js';
import { dockerArchiveOf } from '../fixtures/docker-archive.js';

const skip = !isRoot() && 'needs root';
let images: Awaited<ReturnType<typeof testImages>>;
// Loading is what the file tests: the daemon starts empty.
const daemon = useDaemon(skip, {
  load: 'none',
  setUp: async () => {
    images = await testImages();
  },
});

const d = (args: string[], input?: Buffer) => docker(daemon.env, args, input ? { input } : {});
const blobCount = (): number => {
  const dir = join(daemon.dataRoot, 'content/blobs/sha256');
  return existsSync(dir) ? readdirSync(dir).length : 0;
};

test('load, list, inspect, history, tag, save | load round trip, rmi, prune', { skip }, async () => {
  const load = await d(['load', '-i', images.busybox]);
  assert.equal(load.code, 0, load.stderr);
  assert.equal(load.stdout.trim(), 'Loaded image: busybox:latest');
  const oci = await d(['load', '-i', images.busyboxOci]);
  assert.equal(oci.code, 0, oci.stderr);
  assert.equal((await d(['load', '-i', images.layered])).code, 0);

  const ls = await d(['images', '--format', '{{.Repository}}:{{.Tag}} {{.ID}}']);
  assert.deepEqual(ls.stdout.trim().split('\n').sort(), [
    'berth-test/layered:latest d77af981bafd',
    'busybox:latest fef0701aac05',
  ]);

  const inspect = JSON.parse((await d(['image', 'inspect', 'busybox'])).stdout) as {
    Id: string;
    RepoTags: string[];
    Config: { Cmd: string[] };
    RootFS: { Layers: string[] };
    Os: string;
  }[];
  assert.equal(inspect[0]?.Id, 'sha256:fef0701aac0519c5ba5ef0dc30f308e589e88463823db1db92a890aeaf5e1d02');
  assert.deepEqual(inspect[0]?.Config.Cmd, ['sh']);
  assert.equal(inspect[0]?.RootFS.Layers.length, 1);
  assert.equal(inspect[0]?.Os, 'linux');

  const history = await d(['history', '--format', '{{.ID}} {{.CreatedBy}}', '--no-trunc', 'busybox']);
  assert.match(history.stdout.split('\n')[0] ?? '', /^sha256:fef0701a.* \/bin\/sh -c #\(nop\)  CMD \["sh"\]$/);

  assert.equal((await d(['tag', 'busybox', 'registry.local:5000/team/box:v1'])).code, 0);
  assert.equal(
    (await d(['image', 'inspect', '-f', '{{.Id}}', 'registry.local:5000/team/box:v1'])).stdout.trim(),
    inspect[0]?.Id,
  );

  const saved = join(daemon.dir, 'saved.tar');
  assert.equal((await d(['save', '-o', saved, 'busybox', 'registry.local:5000/team/box:v1'])).code, 0);
  const rmi = await d(['rmi', 'busybox', 'registry.local:5000/team/box:v1']);
  assert.equal(rmi.code, 0, rmi.stderr);
  assert.match(rmi.stdout, /Untagged: busybox:latest/);
  assert.match(rmi.stdout, /Deleted: sha256:fef0701a/);
  const reload = await d(['load', '-i', saved]);
  assert.equal(reload.code, 0, reload.stderr);
  assert.match(reload.stdout, /Loaded image: registry.local:5000\/team\/box:v1/);
  assert.equal((await d(['image', 'inspect', '-f', '{{.Id}}', 'busybox'])).stdout.trim(), inspect[0]?.Id);

  const conflicted = await d(['rmi', 'fef0701aac05']);
  assert.equal(conflicted.code, 1);
  assert.match(conflicted.stderr, /image is referenced in multiple repositories/);
  const missing = await d(['rmi', 'nope']);
  assert.match(missing.stderr, /No such image: nope:latest/);

  const df = await d(['system', 'df', '--format', '{{.Type}} {{.TotalCount}}']);
  assert.match(df.stdout, /^Images 2$/m);

  const prune = await d(['image', 'prune', '-af']);
  assert.equal(prune.code, 0, prune.stderr);
  assert.equal((await d(['images', '-q'])).stdout.trim(), '');
  assert.equal(blobCount(), 0, 'prune leaves no blobs');
});

test('import a rootfs tar with changes', { skip }, async () => {
  const { execFileSync } = await import('node:child_process');
  const rootfs = execFileSync('tar', ['-C', '/bin', '-c', 'busybox'], { maxBuffer: 64 * 1024 * 1024 });
  const res = await d(['import', '-c', 'CMD ["/busybox","true"]', '-c', 'ENV A=b', '-', 'imported:v1'], rootfs);
  assert.equal(res.code, 0, res.stderr);
  const cfg = JSON.parse((await d(['image', 'inspect', '-f', '{{json .Config}}', 'imported:v1'])).stdout) as {
    Cmd: string[];
    Env: string[];
  };
  assert.deepEqual(cfg.Cmd, ['/busybox', 'true']);
  assert.deepEqual(cfg.Env, ['A=b']);
  assert.equal((await d(['rmi', 'imported:v1'])).code, 0);
});

test('hostile, truncated and corrupt archives are refused; nothing is registered or left', { skip }, async () => {
  const before = blobCount();
  for (const hostile of await hostileLayers()) {
    const archive = await dockerArchiveOf(hostile.layer, `hostile/${hostile.name.replace(/[^a-z0-9]+/g, '-')}:latest`);
    const res = await d(['load'], archive);
    if (hostile.expect === 'refused') assert.notEqual(res.code, 0, `${hostile.name} should be refused`);
    for (const name of ['escape-abs', 'escape-dotdot', 'escape-symlink-root', 'escape-chain'])
      assert.equal(existsSync(join('/', name)), false);
  }
  await d(['image', 'prune', '-af']);
  const busybox = (await import('node:fs')).readFileSync(images.busybox);
  for (const [what, bytes] of [
    ['truncated', busybox.subarray(0, busybox.length / 2)],
    ['garbage', Buffer.alloc(4096, 7)],
  ] as const) {
    const res = await d(['load'], bytes);
    assert.equal(res.code, 1, `${what}: ${res.stdout}`);
    assert.match(res.stderr, /invalid|unexpected|error/i);
  }
  const wrongDiff = await dockerArchiveOf(Buffer.alloc(1024), 'bad/diffid:latest', `sha256:${'0'.repeat(64)}`);
  assert.notEqual((await d(['load'], wrongDiff)).code, 0);
  assert.equal((await d(['images', '-q'])).stdout.trim(), '');
  assert.equal(blobCount(), before);
});
