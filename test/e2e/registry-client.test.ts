// The registry client end to end against Debian's docker-registry on loopback: the real docker CLI and
// berth push, rmi, pull and run through berthd; login with right and wrong credentials (htpasswd);
// a pull cut off midway resumes; a corrupted blob is refused with nothing stored; an index is narrowed
// to the asked platform; zstd layers unpack.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDaemon, isRoot } from '../helpers/daemon.js';
import { useDaemon } from '../helpers/use-daemon.js';
import { berth, docker } from '../helpers/run.js';
import { testImages } from '../helpers/images.js';
import { hasDockerRegistry, startRegistry, type TestRegistry } from '../helpers/docker-registry.js';
import { digestOf, getBlob, getManifest, putManifest, startProxy, uploadBlob } from '../helpers/registry-api.js';

const skip = (!isRoot() && 'needs root') || (!hasDockerRegistry() && 'needs docker-registry (scripts/setup.sh)');
let registry: TestRegistry;
let configDir: string | undefined;
/** One DOCKER_CONFIG for both daemons' clients, made by whichever set-up asks first. */
const config = (): string => (configDir ??= mkdtempSync(join(tmpdir(), 'berth-docker-config-')));
let env: NodeJS.ProcessEnv;
let freshEnv: NodeJS.ProcessEnv;

const daemon = useDaemon(skip, {
  async setUp(d) {
    env = { ...d.env, DOCKER_CONFIG: config() };
    const { layered } = await testImages();
    assert.equal((await docker(env, ['load', '-i', layered])).code, 0);
  },
});
// A daemon that has never seen an image: pulls land on an empty store.
useDaemon(skip, {
  load: 'none',
  async setUp(d) {
    freshEnv = { ...d.env, DOCKER_CONFIG: config() };
  },
});
before(async () => {
  if (skip) return;
  registry = await startRegistry();
});
// After both daemons' after() (node:test runs after() hooks in order).
after(async () => {
  await registry?.stop();
  if (configDir) rmSync(configDir, { recursive: true, force: true });
});

const lines = (text: string): string[] => text.split('\n').filter(Boolean);
const idOf = async (e: NodeJS.ProcessEnv, ref: string): Promise<string> =>
  (await docker(e, ['image', 'inspect', '--format', '{{.Id}}', ref])).stdout.trim();

test(
  'docker CLI through berthd: push, rmi, pull (progress as dockerd), run; berth pull in a fresh daemon',
  { skip },
  async () => {
    const ref = `${registry.host}/e2e/layered:v1`;
    assert.equal((await docker(env, ['tag', 'berth-test/layered:latest', ref])).code, 0);
    const id = await idOf(env, ref);
    const push = await docker(env, ['push', ref]);
    assert.equal(push.code, 0, push.stderr);
    const pushed = lines(push.stdout);
    assert.equal(pushed[0], `The push refers to repository [${registry.host}/e2e/layered]`);
    assert.equal(pushed.filter((l) => /^[0-9a-f]{12}: Preparing$/.test(l)).length, 3);
    assert.equal(pushed.filter((l) => /^[0-9a-f]{12}: Pushed$/.test(l)).length, 3);
    const digest = /^v1: digest: (sha256:[0-9a-f]{64}) size: \d+$/.exec(pushed[pushed.length - 1] ?? '')?.[1];
    assert.ok(digest, push.stdout);

    const again = await docker(env, ['push', ref]);
    assert.equal(lines(again.stdout).filter((l) => l.endsWith(': Layer already exists')).length, 3, again.stdout);

    const rmi = await docker(env, ['rmi', ref]);
    assert.equal(rmi.code, 0, rmi.stderr);
    assert.deepEqual(lines(rmi.stdout), [`Untagged: ${ref}`, `Untagged: ${registry.host}/e2e/layered@${digest}`]);

    const pull = await docker(freshEnv, ['pull', ref]);
    assert.equal(pull.code, 0, pull.stderr);
    const pulled = lines(pull.stdout);
    assert.equal(pulled[0], 'v1: Pulling from e2e/layered');
    for (const step of ['Pulling fs layer', 'Verifying Checksum', 'Download complete', 'Pull complete'])
      assert.equal(pulled.filter((l) => l.endsWith(`: ${step}`)).length, 3, `${step}\n${pull.stdout}`);
    assert.deepEqual(pulled.slice(-3), [`Digest: ${digest}`, `Status: Downloaded newer image for ${ref}`, ref]);
    assert.equal(await idOf(freshEnv, ref), id);
    const digests = await docker(freshEnv, ['images', '--digests', '--format', '{{.Repository}} {{.Digest}}']);
    assert.match(digests.stdout, new RegExp(`^${registry.host}/e2e/layered ${digest}$`, 'm'));

    const upToDate = await docker(freshEnv, ['pull', ref]);
    assert.deepEqual(lines(upToDate.stdout), [
      'v1: Pulling from e2e/layered',
      `Digest: ${digest}`,
      `Status: Image is up to date for ${ref}`,
      ref,
    ]);

    const run = await docker(freshEnv, ['run', '--rm', ref, 'cat', '/data/new']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, 'new\n');

    // berth's own CLI prints what docker's prints.
    assert.equal((await docker(freshEnv, ['rmi', ref])).code, 0);
    const berthPull = await berth(freshEnv, ['pull', ref]);
    assert.equal(berthPull.code, 0, berthPull.stderr);
    assert.deepEqual(lines(berthPull.stdout).sort(), pulled.sort());
    const quiet = await berth(freshEnv, ['pull', '-q', ref]);
    assert.equal(quiet.stdout, `${ref}\n`);
  },
);

test('run of a missing image pulls it (docker CLI and berth), progress on stderr', { skip }, async () => {
  const ref = `${registry.host}/e2e/busybox`;
  assert.equal((await docker(env, ['tag', 'busybox:latest', ref])).code, 0);
  const push = await berth(env, ['push', ref]);
  assert.equal(push.code, 0, push.stderr);
  assert.equal(lines(push.stdout)[0], 'Using default tag: latest');
  const run = await docker(freshEnv, ['run', '--rm', ref, 'echo', 'pulled and ran']);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, 'pulled and ran\n');
  assert.match(run.stderr, new RegExp(`^Unable to find image '${ref}:latest' locally\n`));
  assert.match(run.stderr, /Status: Downloaded newer image for/);
  assert.equal((await docker(freshEnv, ['rmi', `${ref}:latest`])).code, 0);
  const berthRun = await berth(freshEnv, ['run', '--rm', ref, 'echo', 'again']);
  assert.equal(berthRun.code, 0, berthRun.stderr);
  assert.equal(berthRun.stdout, 'again\n');
  const missing = await docker(freshEnv, ['pull', `${registry.host}/e2e/nope:v9`]);
  assert.equal(missing.code, 1);
  assert.equal(
    missing.stderr,
    `Error response from daemon: manifest for ${registry.host}/e2e/nope:v9 not found: manifest unknown: manifest unknown\n`,
  );
});

test('login with right and wrong credentials (htpasswd), then push and pull with them', { skip }, async () => {
  const secured = await startRegistry({ users: { alice: 's3cret' } });
  const dockerConfig = mkdtempSync(join(tmpdir(), 'berth-login-docker-'));
  const berthConfig = mkdtempSync(join(tmpdir(), 'berth-login-berth-'));
  try {
    const viaDocker = { ...daemon.env, DOCKER_CONFIG: dockerConfig };
    const viaBerth = { ...daemon.env, DOCKER_CONFIG: berthConfig };
    const wrong = await docker(viaDocker, ['login', '-u', 'alice', '--password-stdin', secured.host], {
      input: 'nope\n',
    });
    assert.equal(wrong.code, 1);
    assert.equal(
      wrong.stderr,
      `Error response from daemon: login attempt to http://${secured.host}/v2/ failed with status: 401 Unauthorized\n`,
    );
    const wrongBerth = await berth(viaBerth, ['login', '-u', 'alice', '--password-stdin', secured.host], {
      input: 'nope\n',
    });
    assert.equal(wrongBerth.code, 1);
    assert.equal(wrongBerth.stderr, wrong.stderr);

    const right = await docker(viaDocker, ['login', '-u', 'alice', '--password-stdin', secured.host], {
      input: 's3cret\n',
    });
    assert.equal(right.code, 0, right.stderr);
    const rightBerth = await berth(viaBerth, ['login', '-u', 'alice', '--password-stdin', secured.host], {
      input: 's3cret\n',
    });
    assert.equal(rightBerth.code, 0, rightBerth.stderr);
    assert.equal(rightBerth.stdout, right.stdout);
    assert.equal(rightBerth.stderr, right.stderr.replaceAll(dockerConfig, berthConfig));
    const saved = JSON.parse(readFileSync(join(berthConfig, 'config.json'), 'utf8')) as {
      auths: Record<string, { auth: string }>;
    };
    assert.equal(Buffer.from(saved.auths[secured.host]?.auth ?? '', 'base64').toString(), 'alice:s3cret');

    const ref = `${secured.host}/team/app:1`;
    assert.equal((await docker(viaDocker, ['tag', 'busybox:latest', ref])).code, 0);
    const push = await docker(viaDocker, ['push', ref]);
    assert.equal(push.code, 0, push.stderr);
    assert.equal((await docker(viaDocker, ['rmi', ref])).code, 0);
    const pull = await berth(viaBerth, ['pull', ref]);
    assert.equal(pull.code, 0, pull.stderr);

    const logout = await berth(viaBerth, ['logout', secured.host]);
    assert.equal(logout.stdout, `Removing login credentials for ${secured.host}\n`);
    assert.equal((await berth(viaBerth, ['rmi', ref])).code, 0);
    const anonymous = await berth(viaBerth, ['pull', ref]);
    assert.equal(anonymous.code, 1);
    assert.match(anonymous.stderr, /unauthorized|authentication required|basic auth/i);
  } finally {
    await secured.stop();
    rmSync(dockerConfig, { recursive: true, force: true });
    rmSync(berthConfig, { recursive: true, force: true });
  }
});

test(
  'a pull cut off midway resumes with a Range request; a corrupted blob is refused and nothing is kept',
  { skip },
  async () => {
    const ref = `e2e/layered:v1`;
    const manifest = await getManifest(registry.host, 'e2e/layered', 'v1');
    const biggest = [...manifest.json.layers].sort((a, b) => b.size - a.size)[0] as { digest: string; size: number };
    const proxy = await startProxy(registry.host, biggest.digest, 'drop');
    const target = await startDaemon();
    try {
      const pull = await berth(target.env, ['pull', `${proxy.host}/${ref}`]);
      assert.equal(pull.code, 0, pull.stderr);
      const gets = proxy.seen.filter((s) => s.path.endsWith(biggest.digest));
      assert.ok(gets.length >= 2, JSON.stringify(proxy.seen));
      assert.match(gets[1]?.range ?? '', /^bytes=\d+-$/);
      const stored = readFileSync(join(target.dataRoot, 'content/blobs/sha256', biggest.digest.slice(7)));
      assert.equal(digestOf(stored), biggest.digest);
      const run = await docker(target.env, [
        'run',
        '--rm',
        `${proxy.host}/${ref}`,
        'cat',
        '/data/new',
        '/opaque/fresh',
      ]);
      assert.equal(run.stdout, 'new\nfresh\n', run.stderr);
    } finally {
      await proxy.close();
      await target.cleanup();
    }

    const corrupt = await startProxy(registry.host, biggest.digest, 'corrupt');
    const victim = await startDaemon();
    try {
      const pull = await docker(victim.env, ['pull', `${corrupt.host}/${ref}`]);
      assert.equal(pull.code, 1);
      assert.match(pull.stderr, new RegExp(`filesystem layer verification failed for digest ${biggest.digest}`));
      assert.equal((await docker(victim.env, ['images', '-q'])).stdout, '');
      const blobs = join(victim.dataRoot, 'content/blobs/sha256');
      assert.equal(
        existsSync(blobs) ? readdirSync(blobs).filter((b) => `sha256:${b}` === biggest.digest).length : 0,
        0,
      );
    } finally {
      await corrupt.close();
      await victim.cleanup();
    }
  },
);

test('an index is narrowed to the asked platform; distribution inspect lists both', { skip }, async () => {
  const layered = await getManifest(registry.host, 'e2e/layered', 'v1');
  const busybox = await getManifest(registry.host, 'e2e/busybox', 'latest');
  const index = {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: [
      {
        mediaType: layered.mediaType,
        digest: digestOf(layered.bytes),
        size: layered.bytes.length,
        platform: { architecture: 'amd64', os: 'linux' },
      },
      {
        mediaType: busybox.mediaType,
        digest: digestOf(busybox.bytes),
        size: busybox.bytes.length,
        platform: { architecture: 'arm64', os: 'linux', variant: 'v8' },
      },
    ],
  };
  // Both manifests must live in the index's repository.
  for (const [repo, m] of [
    ['e2e/layered', layered],
    ['e2e/busybox', busybox],
  ] as const) {
    for (const d of [m.json.config, ...m.json.layers])
      await uploadBlob(registry.host, 'e2e/multi', await getBlob(registry.host, repo, d.digest));
    const put = await fetch(`http://${registry.host}/v2/e2e/multi/manifests/${digestOf(m.bytes)}`, {
      method: 'PUT',
      body: m.bytes,
      headers: { 'Content-Type': m.mediaType },
    });
    assert.equal(put.status, 201, await put.text());
  }
  const top = await putManifest(registry.host, 'e2e/multi', 'both', index.mediaType, index);
  const ref = `${registry.host}/e2e/multi:both`;
  const target = await startDaemon();
  try {
    const arm = await docker(target.env, ['pull', '--platform', 'linux/arm64', ref]);
    assert.equal(arm.code, 0, arm.stderr);
    assert.match(arm.stdout, new RegExp(`Digest: ${top.digest}`));
    assert.equal(await idOf(target.env, ref), await idOf(env, 'busybox:latest'));
    const host = await berth(target.env, ['pull', ref]);
    assert.equal(host.code, 0, host.stderr);
    assert.equal(await idOf(target.env, ref), await idOf(env, 'berth-test/layered:latest'));
    const none = await docker(target.env, ['pull', '--platform', 'linux/s390x', ref]);
    assert.equal(
      none.stderr,
      'Error response from daemon: no matching manifest for linux/s390x in the manifest list entries\n',
    );
    const inspect = execFileSync('curl', [
      '-s',
      '--unix-socket',
      target.socketPath,
      `http://berth/distribution/${ref}/json`,
    ]).toString();
    const parsed = JSON.parse(inspect) as { Descriptor: { digest: string }; Platforms: { architecture: string }[] };
    assert.equal(parsed.Descriptor.digest, top.digest);
    assert.deepEqual(
      parsed.Platforms.map((p) => p.architecture),
      ['amd64', 'arm64'],
    );
  } finally {
    await target.cleanup();
  }
});

test('zstd-compressed layers are pulled and unpacked', { skip }, async () => {
  const base = await getManifest(registry.host, 'e2e/busybox', 'latest');
  const config = JSON.parse(
    (await getBlob(registry.host, 'e2e/busybox', base.json.config.digest)).toString('utf8'),
  ) as { rootfs: { diff_ids: string[] }; history?: unknown[] };
  const dir = mkdtempSync(join(tmpdir(), 'berth-zstd-'));
  try {
    mkdirSync(join(dir, 'root'));
    writeFileSync(join(dir, 'root', 'hello.txt'), 'from a zstd layer\n');
    const tar = execFileSync('tar', ['-C', join(dir, 'root'), '--owner=0', '--group=0', '-cf', '-', 'hello.txt']);
    const zst = execFileSync('zstd', ['-q', '-c'], { input: tar });
    for (const d of [...base.json.layers])
      await uploadBlob(registry.host, 'e2e/zstd', await getBlob(registry.host, 'e2e/busybox', d.digest));
    const layer = await uploadBlob(registry.host, 'e2e/zstd', zst);
    const newConfig = Buffer.from(
      JSON.stringify({
        ...config,
        rootfs: { type: 'layers', diff_ids: [...config.rootfs.diff_ids, digestOf(tar)] },
        history: undefined,
      }),
    );
    const cfg = await uploadBlob(registry.host, 'e2e/zstd', newConfig);
    await putManifest(registry.host, 'e2e/zstd', 'v1', 'application/vnd.oci.image.manifest.v1+json', {
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...cfg },
      layers: [...base.json.layers, { mediaType: 'application/vnd.oci.image.layer.v1.tar+zstd', ...layer }],
    });
    const ref = `${registry.host}/e2e/zstd:v1`;
    const run = await docker(freshEnv, ['run', '--rm', ref, 'cat', '/hello.txt']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, 'from a zstd layer\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test(
  'credential helpers (credsStore, docker-credential-* protocol) keep and give the credentials',
  { skip },
  async () => {
    const secured = await startRegistry({ users: { carol: 'h3lper' } });
    const dir = mkdtempSync(join(tmpdir(), 'berth-credhelper-'));
    try {
      const bin = join(dir, 'bin');
      mkdirSync(bin);
      const store = join(dir, 'store.json');
      writeFileSync(
        join(bin, 'docker-credential-regctest'),
        `#!/bin/bash\ncase "$1" in\n  store) cat > ${store} ;;\n  get) read -r url; if [ -f ${store} ]; then cat ${store}; else echo "credentials not found in native keychain"; exit 1; fi ;;\n  erase) rm -f ${store} ;;\nesac\n`,
        { mode: 0o755 },
      );
      const configDir = join(dir, 'config');
      mkdirSync(configDir);
      writeFileSync(join(configDir, 'config.json'), '{"credsStore":"regctest"}');
      const withHelper = { ...daemon.env, DOCKER_CONFIG: configDir, PATH: `${bin}:${process.env.PATH ?? ''}` };
      const login = await berth(withHelper, ['login', '-u', 'carol', '--password-stdin', secured.host], {
        input: 'h3lper\n',
      });
      assert.equal(login.code, 0, login.stderr);
      assert.equal(login.stdout, 'Login Succeeded\n');
      assert.equal(login.stderr, '');
      assert.deepEqual(JSON.parse(readFileSync(store, 'utf8')), {
        ServerURL: secured.host,
        Username: 'carol',
        Secret: 'h3lper',
      });
      assert.doesNotMatch(readFileSync(join(configDir, 'config.json'), 'utf8'), /h3lper|"auth"/);
      const ref = `${secured.host}/helper/app:1`;
      assert.equal((await docker(env, ['tag', 'busybox:latest', ref])).code, 0);
      const push = await berth(withHelper, ['push', ref]);
      assert.equal(push.code, 0, push.stderr);
      assert.equal(
        (await berth(withHelper, ['logout', secured.host])).stdout,
        `Removing login credentials for ${secured.host}\n`,
      );
      assert.equal(existsSync(store), false);
    } finally {
      await secured.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
