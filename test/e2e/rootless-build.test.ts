// Builds on a rootless berthd (a user of the test's own, berthd in rootlesskit's user namespace), in a file of its
// own so it depends on no other rootless test's order: RUN --mount=type=bind,rw (builder/writable-bind.ts) through the
// classic builder and buildx. With overlayfs in the user namespace (userxattr) a view of the context is an overlay
// mounted inside the namespace, and a stage's or an image's an active snapshot; with the native (copying)
// snapshotter, which rootless falls back to where overlay is unavailable, both are copies. Either way the RUN sees
// its writes and the context, the stage and the image stay as they were. Docker's engine runs this scenario rootful
// in buildkit-rw-bind.test.ts; a rootless dockerd is not installed here.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { isRoot } from '../helpers/daemon.js';
import { PEERS_DIR } from '../helpers/buildx.js';
import { testImages } from '../helpers/images.js';
import {
  createTestUser,
  dockerAs,
  ensureTunUsable,
  startRootlessDaemon,
  type RootlessDaemon,
  type TestUser,
} from '../helpers/rootless.js';
import {
  CONTEXT_ORIGINAL,
  allRepro,
  mountedUnder,
  readRwBindContext,
  writeRwBindContext,
} from '../fixtures/rw-bind.js';

const skip = !isRoot() ? 'needs root to create a user' : false;

let user: TestUser;
/** The user's DOCKER_CONFIG with buildx as its CLI plugin (the test helper's config dir is root's). */
let dockerConfig: string;
let ctx: string;

before(() => {
  if (skip) return;
  ensureTunUsable();
  user = createTestUser();
  user.addSubIds();
  dockerConfig = join(user.home, 'docker-config');
  mkdirSync(join(dockerConfig, 'cli-plugins'), { recursive: true });
  symlinkSync(join(PEERS_DIR, 'docker-buildx'), join(dockerConfig, 'cli-plugins', 'docker-buildx'));
  ctx = writeRwBindContext(join(user.home, 'ctx'));
  execFileSync('chown', ['-R', `${user.uid}:${user.gid}`, dockerConfig, ctx]);
});

after(() => {
  if (skip) return;
  user.remove();
});

for (const driver of ['overlay2', 'native'] as const) {
  describe(`RUN --mount=type=bind,rw on a rootless berthd (${driver})`, { skip }, () => {
    let daemon: RootlessDaemon | undefined;
    const env = () => ({ DOCKER_HOST: `unix://${(daemon as RootlessDaemon).socketPath}` });
    const dk = (args: string[], extra: NodeJS.ProcessEnv = {}) =>
      dockerAs(user, args, { env: { ...env(), ...extra }, timeoutMs: 180_000 });

    before(async () => {
      // Each driver on a data root of its own (a root keeps the snapshotter it was made with).
      const dataRoot = join(user.home, `berth-${driver}`);
      daemon = await startRootlessDaemon(user, [
        '--data-root',
        dataRoot,
        ...(driver === 'native' ? ['--storage-driver', 'native'] : []),
      ]);
      const images = await testImages();
      const loaded = await dk(['load', '-i', images.busybox]);
      assert.equal(loaded.code, 0, loaded.stderr);
    });
    after(async () => {
      await daemon?.stop();
    });

    for (const kind of ['classic', 'buildkit'] as const)
      test(`${kind}: the RUN sees its writes; the context, a stage and an image stay as they were`, async () => {
        const info = await dk(['info', '--format', '{{.Driver}} {{json .SecurityOptions}}']);
        assert.equal(info.code, 0, info.stderr);
        assert.match(info.stdout, new RegExp(`^${driver} .*name=rootless`));
        const nonce = randomBytes(4).toString('hex');
        const repro = allRepro(nonce);
        const file = join(user.home, `${kind}-${driver}.Dockerfile`);
        writeFileSync(file, repro.dockerfile);
        execFileSync('chown', [`${user.uid}:${user.gid}`, file]);
        const tag = `rl-rw-${kind}:${nonce}`;
        const buildEnv =
          kind === 'buildkit' ? { DOCKER_CONFIG: dockerConfig, DOCKER_BUILDKIT: '1' } : { DOCKER_BUILDKIT: '0' };
        const progress = kind === 'buildkit' ? ['--progress=plain'] : [];
        const built = await dk(['build', ...progress, '-f', file, '-t', tag, ctx], buildEnv);
        assert.equal(built.code, 0, built.stdout + built.stderr);
        const ran = await dk(['run', '--rm', '--network', 'none', tag, 'cat', ...repro.paths]);
        assert.equal(ran.code, 0, ran.stderr);
        assert.equal(ran.stdout, repro.expected.map((l) => `${l}\n`).join(''));
        assert.equal(readRwBindContext(ctx), CONTEXT_ORIGINAL);
        // No view left mounted in the daemon's namespace once the build is over.
        const d = daemon as RootlessDaemon;
        const builder = join(user.home, `berth-${driver}`, 'builder');
        assert.deepEqual(mountedUnder(builder, `/proc/${d.daemonPid()}/mountinfo`), []);
        // With overlay the context's view was an overlay mounted in the namespace, not the copying fallback.
        if (driver === 'overlay2') assert.doesNotMatch(d.logs(), /writable bind: overlay refused/);
      });
  });
}
