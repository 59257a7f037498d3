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
import { rmSync } from 'node:fs';
import { startDaemon, isRoot, type TestDaemon } from '../helpers/daemon.js';
import { docker, run } from '../helpers/run.js';
import { CRI_TOOLS, IMAGE_STAND_INS, pushStandIns, registryHostsDir } from '../helpers/critest-standins.js';
import { hasDockerRegistry, startRegistry, type TestRegistry } from '../helpers/docker-registry.js';
import { CRICTL, CRITEST, criSocketOf, crictl, requirePeer } from '../helpers/cri.js';
import { hasContainerd, startContainerd, type TestContainerd } from '../helpers/containerd.js';

const skip =
  (!isRoot() && 'needs root') ||
  (!hasDockerRegistry() && 'needs docker-registry (scripts/setup.sh)') ||
  (!hasContainerd() && 'needs containerd (docker.io, scripts/setup.sh)');
const UPSTREAM = CRI_TOOLS;

let registry: TestRegistry;
let daemon: TestDaemon;
let containerd: TestContainerd;
let hostsDir: string;
let env: NodeJS.ProcessEnv;

before(async () => {
  if (skip) return;
  requirePeer(CRICTL);
  requirePeer(CRITEST);
  registry = await startRegistry();
  hostsDir = registryHostsDir(registry, ['gcr.io']);
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
  await pushStandIns(daemon, registry, { images: true });
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
    for (const ref of Object.keys(IMAGE_STAND_INS)) {
      assert.deepEqual(await view(criSocketOf(daemon), ref), await view(containerd.socketPath, ref), ref);
    }
  },
);
