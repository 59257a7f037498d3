// critest v1.26.1 (the CRI validation suite containerd and CRI-O run in CI) on berthd and on containerd 1.6 side by
// side, with one berthd + containerd pair for the whole file (test/helpers/critest-pair.ts). critest pulls its
// images by name from gcr.io and registry.k8s.io; here stand-ins built from busybox wait in a loopback registry,
// and a registry hosts directory (containerd's hosts.toml layout, which both engines read) makes that registry
// those domains' only server, while the domains themselves are blocked: nothing leaves the machine, and the names
// critest checks stay the upstream ones. Every spec containerd passes here, berthd must pass; the specs run dealt
// out to a few critest processes per engine at once, and are compared one by one. The "Security Context" specs
// run in cri-critest-security.test.ts with a pair of their own (critest-side-by-side.ts says why).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { docker } from '../helpers/run.js';
import { CRI_TOOLS, IMAGE_STAND_INS } from '../helpers/critest-standins.js';
import { CRICTL, criSocketOf, crictl, requirePeer } from '../helpers/cri.js';
import { startCritestPair, type CritestPair } from '../helpers/critest-pair.js';
import { critestSideBySide, critestSkip } from '../helpers/critest-side-by-side.js';

const skip = critestSkip;

let pair: CritestPair;

before(async () => {
  if (skip) return;
  requirePeer(CRICTL);
  pair = await startCritestPair();
});
after(async () => {
  await pair?.cleanup();
});

test(
  'pulls of a mirrored domain go to its hosts.toml server (CRI and Engine API), keeping the domain in the names',
  { skip },
  async () => {
    const { daemon } = pair;
    const pulled = await crictl(daemon, ['pull', `${CRI_TOOLS}/test-image-tag:test`]);
    assert.equal(pulled.code, 0, pulled.stderr);
    const listed = await docker(daemon.env, ['images', '--format', '{{.Repository}}:{{.Tag}}', `${CRI_TOOLS}/*`]);
    assert.deepEqual(listed.stdout.split('\n').filter(Boolean), [`${CRI_TOOLS}/test-image-tag:test`]);
    assert.equal((await crictl(daemon, ['rmi', `${CRI_TOOLS}/test-image-tag:test`])).code, 0);
    const dockerPull = await docker(daemon.env, ['pull', `${CRI_TOOLS}/test-image-tag:all`]);
    assert.equal(dockerPull.code, 0, dockerPull.stderr);
    assert.equal((await docker(daemon.env, ['rmi', `${CRI_TOOLS}/test-image-tag:all`])).code, 0);
    // Not mirrored, and blocked: never contacted.
    const blocked = await crictl(daemon, ['pull', 'quay.io/podman/hello:latest']);
    assert.notEqual(blocked.code, 0);
    assert.match(blocked.stderr, /blocked by the daemon's configuration/);
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
    // One ref at a time (test-image-tags:1, 2 and 3 are one image), both engines at once.
    for (const ref of Object.keys(IMAGE_STAND_INS)) {
      const [berthd, containerd] = await Promise.all([
        view(criSocketOf(pair.daemon), ref),
        view(pair.containerd.socketPath, ref),
      ]);
      assert.deepEqual(berthd, containerd, ref);
    }
  },
);

critestSideBySide('(all but Security Context)', () => pair, '.', ['Security Context']);
