// critest (the CRI validation suite containerd and CRI-O run in CI, v1.26.1) against berthd's CRI. critest pulls
// its images by name from gcr.io; here stand-ins built from busybox wait in a loopback registry, and berthd's
// registry hosts directory (containerd's hosts.toml layout) makes that registry gcr.io's only server, while
// gcr.io itself is blocked: nothing leaves the machine, and the names critest checks stay gcr.io's.
// Runs: "Runtime info" version, and every "Image Manager" spec but the pull by upstream digest, which needs
// the real image's digest (as on containerd offline). "Runtime info" conditions fails until pod networking:
// NetworkReady is false. containerd 1.6's CRI is the anchor: the same critest runs against it, reading the
// very same hosts directory, and crictl's view of each image is compared field by field.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDaemon, isRoot, type TestDaemon } from '../helpers/daemon.js';
import { docker, run } from '../helpers/run.js';
import { testImages } from '../helpers/images.js';
import { hasDockerRegistry, startRegistry, type TestRegistry } from '../helpers/docker-registry.js';
import { CRICTL, CRITEST, criSocketOf, crictl, requirePeer } from '../helpers/cri.js';
import { hasContainerd, startContainerd, type TestContainerd } from '../helpers/containerd.js';

const skip =
  (!isRoot() && 'needs root') ||
  (!hasDockerRegistry() && 'needs docker-registry (scripts/setup.sh)') ||
  (!hasContainerd() && 'needs containerd (docker.io, scripts/setup.sh)');
const UPSTREAM = 'gcr.io/k8s-staging-cri-tools';

/** critest's image names (pkg/validate/consts.go) and what each stand-in is on top of busybox. */
const STAND_INS: Record<string, string> = {
  'test-image-latest:latest': 'LABEL stand-in=latest',
  'test-image-tag:test': 'LABEL stand-in=tag',
  'test-image-tag:all': 'LABEL stand-in=all',
  'test-image-user-uid:latest': 'LABEL stand-in=uid\nUSER 1002',
  'test-image-user-username:latest': 'LABEL stand-in=username\nUSER www-data',
  'test-image-user-uid-group:latest': 'LABEL stand-in=uid-group\nUSER 1003:users',
  'test-image-user-username-group:latest': 'LABEL stand-in=username-group\nUSER www-data:users',
  'test-image-1:latest': 'LABEL stand-in=1',
  'test-image-2:latest': 'LABEL stand-in=2',
  'test-image-3:latest': 'LABEL stand-in=3',
  // Three tags of one image.
  'test-image-tags:1': 'LABEL stand-in=tags',
  'test-image-tags:2': 'LABEL stand-in=tags',
  'test-image-tags:3': 'LABEL stand-in=tags',
};

let registry: TestRegistry;
let daemon: TestDaemon;
let containerd: TestContainerd;
let hostsDir: string;
let env: NodeJS.ProcessEnv;

before(async () => {
  if (skip) return;
  requirePeer(CRICTL);
  requirePeer(CRITEST);
  const images = await testImages();
  registry = await startRegistry();
  hostsDir = mkdtempSync(join(tmpdir(), 'berth-registry-hosts-'));
  mkdirSync(join(hostsDir, 'gcr.io'));
  writeFileSync(
    join(hostsDir, 'gcr.io', 'hosts.toml'),
    `server = "http://${registry.host}"\n\n[host."http://${registry.host}"]\n  capabilities = ["pull", "resolve"]\n`,
  );
  [daemon, containerd] = await Promise.all([
    startDaemon({
      extraArgs: [
        '--registry-config-dir',
        hostsDir,
        '--blocked-registry',
        'gcr.io',
        '--blocked-registry',
        'registry.k8s.io',
      ],
    }),
    // The same hosts directory: containerd's own layout, which berth reads.
    startContainerd({ registryHostsDir: hostsDir }),
  ]);
  env = daemon.env;
  const ok = (r: { code: number | null; stderr: string }, what: string): void =>
    assert.equal(r.code, 0, `${what}: ${r.stderr}`);
  ok(await docker(env, ['load', '-i', images.busybox]), 'load');
  for (const [name, lines] of Object.entries(STAND_INS)) {
    const local = `${registry.host}/k8s-staging-cri-tools/${name}`;
    ok(await docker(env, ['build', '-q', '-t', local, '-'], { input: `FROM busybox\n${lines}\n` }), `build ${name}`);
    ok(await docker(env, ['push', local]), `push ${name}`);
    ok(await docker(env, ['rmi', local]), `rmi ${name}`);
  }
});
after(async () => {
  await Promise.all([daemon?.cleanup(), containerd?.cleanup(), registry?.stop()]);
  if (hostsDir) rmSync(hostsDir, { recursive: true, force: true });
});

const critest = (socket: string, focus: string, skipSpecs?: string) => {
  const endpoint = `unix://${socket}`;
  return run(
    CRITEST,
    [
      '--runtime-endpoint',
      endpoint,
      '--image-endpoint',
      endpoint,
      `--ginkgo.focus=${focus}`,
      ...(skipSpecs ? [`--ginkgo.skip=${skipSpecs}`] : []),
      '--ginkgo.no-color',
    ],
    { timeoutMs: 280_000 },
  );
};

test(
  'pulls of a mirrored domain go to its hosts.toml server (CRI and Engine API), keeping the domain in the names',
  { skip },
  async () => {
    const pulled = await crictl(daemon, ['pull', `${UPSTREAM}/test-image-tag:test`]);
    assert.equal(pulled.code, 0, pulled.stderr);
    const listed = await docker(env, ['images', '--format', '{{.Repository}}:{{.Tag}}', `${UPSTREAM}/*`]);
    assert.deepEqual(listed.stdout.split('\n').filter(Boolean), [`${UPSTREAM}/test-image-tag:test`]);
    assert.equal((await crictl(daemon, ['rmi', `${UPSTREAM}/test-image-tag:test`])).code, 0);
    const dockerPull = await docker(env, ['pull', `${UPSTREAM}/test-image-tags:1`]);
    assert.equal(dockerPull.code, 0, dockerPull.stderr);
    assert.equal((await docker(env, ['rmi', `${UPSTREAM}/test-image-tags:1`])).code, 0);
    // Not mirrored, and blocked: never contacted.
    const blocked = await crictl(daemon, ['pull', 'registry.k8s.io/pause:3.9']);
    assert.notEqual(blocked.code, 0);
    assert.match(blocked.stderr, /blocked by the daemon's configuration/);
  },
);

const engines = (): [string, string][] => [
  ['berthd', criSocketOf(daemon)],
  ['containerd', containerd.socketPath],
];

test('critest "Runtime info": version passes, on berthd as on containerd', { skip }, async () => {
  for (const [name, socket] of engines()) {
    const r = await critest(socket, 'runtime should return version info');
    assert.match(r.stdout, /Ran 1 of \d+ Specs/, `${name}: ${r.stdout}`);
    assert.match(r.stdout, /SUCCESS! -- 1 Passed \| 0 Failed/, `${name}: ${r.stdout}`);
  }
});

test(
  'critest "Image Manager": the 6 specs that can run offline pass on berthd as on containerd (the pull by upstream digest skipped)',
  { skip },
  async () => {
    for (const [name, socket] of engines()) {
      const r = await critest(socket, 'Image Manager', 'with digest');
      const ran = /Ran 6 of \d+ Specs in ([\d.]+) seconds/.exec(r.stdout);
      assert.ok(ran, `${name}: ${r.stdout}`);
      console.log(`critest Image Manager on ${name}: ${ran[1]} s`);
      assert.match(r.stdout, /SUCCESS! -- 6 Passed \| 0 Failed/, `${name}: ${r.stdout}`);
    }
  },
);

test(
  'crictl inspecti of each stand-in: id, repo tags, repo digests, uid and username as containerd answers',
  { skip },
  async () => {
    const view = async (socket: string, ref: string): Promise<Record<string, unknown>> => {
      const pulled = await crictl(socket, ['pull', ref]);
      assert.equal(pulled.code, 0, pulled.stderr);
      const inspected = await crictl(socket, ['inspecti', ref]);
      assert.equal(inspected.code, 0, inspected.stderr);
      const status = (JSON.parse(inspected.stdout) as { status: Record<string, unknown> }).status;
      assert.equal((await crictl(socket, ['rmi', ref])).code, 0);
      // Size is left out: containerd counts the compressed blobs, berth the unpacked layers as `docker images`.
      const { id, repoTags, repoDigests, uid, username } = status;
      return { id, repoTags, repoDigests, uid, username };
    };
    for (const name of Object.keys(STAND_INS)) {
      const ref = `${UPSTREAM}/${name}`;
      assert.deepEqual(await view(criSocketOf(daemon), ref), await view(containerd.socketPath, ref), ref);
    }
  },
);
