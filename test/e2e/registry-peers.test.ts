// berth's registry against real peers on loopback: skopeo copies images in and out, Docker's own engine
// pushes, pulls and runs (anonymously and after `docker login` to a token-auth registry), and berthd
// serves the registry itself with --registry-addr.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { isRoot, startDaemon } from '../helpers/daemon.js';
import { testImages } from '../helpers/images.js';
import { berth, docker, run } from '../helpers/run.js';
import { startRegistryProcess, type TestRegistry } from '../helpers/registry.js';
import { hasDockerd, startDockerd, type DockerEngine } from '../helpers/dockerd.js';

const hasSkopeo = existsSync('/usr/bin/skopeo');
const skipDocker = !isRoot() ? 'needs root' : !hasDockerd() ? 'dockerd is not installed' : false;

let reg: TestRegistry;
let tmp: string;
let images: { busybox: string; busyboxOci: string; layered: string };
before(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'berth-regpeers-'));
  images = await testImages();
  reg = await startRegistryProcess();
});
after(async () => {
  await reg?.close();
  rmSync(tmp, { recursive: true, force: true });
});

const skopeo = async (args: string[]) => {
  const r = await run('skopeo', args, { timeoutMs: 120_000 });
  assert.equal(r.code, 0, `skopeo ${args.join(' ')}:\n${r.stderr}`);
  return r.stdout;
};

test(
  'skopeo copies images into berth registry and back out, byte for byte',
  { skip: !hasSkopeo && 'skopeo is not installed' },
  async () => {
    const dest = `docker://${reg.addr}/peers/busybox:v1`;
    await skopeo(['copy', '--dest-tls-verify=false', `docker-archive:${images.busybox}`, dest]);
    await skopeo([
      'copy',
      '--dest-tls-verify=false',
      `oci-archive:${images.busyboxOci}`,
      `docker://${reg.addr}/peers/busybox-oci:v1`,
    ]);
    await skopeo([
      'copy',
      '--dest-tls-verify=false',
      `docker-archive:${images.layered}`,
      `docker://${reg.addr}/peers/layered:latest`,
    ]);
    const raw = await skopeo(['inspect', '--raw', '--tls-verify=false', dest]);
    const tags = JSON.parse(
      await skopeo(['list-tags', '--tls-verify=false', `docker://${reg.addr}/peers/busybox`]),
    ) as { Tags: string[] };
    assert.deepEqual(tags.Tags, ['v1']);

    // Out again, to an OCI layout and a docker-archive; the manifest comes back exactly as stored.
    await skopeo(['copy', '--src-tls-verify=false', dest, `oci:${join(tmp, 'oci')}:v1`]);
    await skopeo([
      'copy',
      '--src-tls-verify=false',
      `docker://${reg.addr}/peers/layered:latest`,
      `docker-archive:${join(tmp, 'layered.tar')}:peers/layered:latest`,
    ]);
    const index = JSON.parse(readFileSync(join(tmp, 'oci', 'index.json'), 'utf8')) as {
      manifests: { digest: string }[];
    };
    assert.equal(index.manifests.length, 1);
    const layout = JSON.parse(await skopeo(['inspect', '--raw', `oci:${join(tmp, 'oci')}:v1`])) as {
      layers: { digest: string }[];
    };
    assert.deepEqual(
      layout.layers.map((l) => l.digest),
      (JSON.parse(raw) as { layers: { digest: string }[] }).layers.map((l) => l.digest),
    );
    const archived = JSON.parse(
      execFileSync('tar', ['-xOf', join(tmp, 'layered.tar'), 'manifest.json'], { encoding: 'utf8' }),
    ) as { Layers: string[] }[];
    assert.equal(archived[0]?.Layers.length, 3);

    // Copy between two repositories of the registry: skopeo mounts the blobs across.
    await skopeo([
      'copy',
      '--src-tls-verify=false',
      '--dest-tls-verify=false',
      dest,
      `docker://${reg.addr}/peers/copy:v2`,
    ]);
    assert.equal(await skopeo(['inspect', '--raw', '--tls-verify=false', `docker://${reg.addr}/peers/copy:v2`]), raw);
    await skopeo(['delete', '--tls-verify=false', `docker://${reg.addr}/peers/copy:v2`]);
    const after = await run('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${reg.addr}/peers/copy:v2`]);
    assert.notEqual(after.code, 0);
  },
);

let engine: DockerEngine | undefined;
after(async () => engine?.stop());

test(
  "Docker's engine pushes to and pulls from berth's registry, and runs what it pulled",
  { skip: skipDocker },
  async () => {
    engine = await startDockerd();
    const env = { ...engine.env, DOCKER_CONFIG: join(tmp, 'docker-config') };
    const ok = async (args: string[]) => {
      const r = await docker(env, args, { timeoutMs: 120_000 });
      assert.equal(r.code, 0, `docker ${args.join(' ')}:\n${r.stdout}${r.stderr}`);
      return r.stdout;
    };
    await ok(['load', '-i', images.layered]);
    const ref = `${reg.addr}/peers/docker-layered:v1`;
    await ok(['tag', 'berth-test/layered:latest', ref]);
    const pushed = await ok(['push', ref]);
    assert.match(pushed, /v1: digest: sha256:[0-9a-f]{64} size: \d+/);
    await ok(['rmi', ref, 'berth-test/layered:latest']);
    const pulled = await ok(['pull', ref]);
    assert.match(pulled, /Status: Downloaded newer image/);
    assert.equal(
      (await ok(['run', '--rm', '--network', 'none', ref, 'echo', 'hello from the registry'])).trim(),
      'hello from the registry',
    );
    // The second push finds every layer there already.
    assert.match(await ok(['push', ref]), /Layer already exists/);

    // A token-auth registry: docker login, push, pull; refused without credentials and with wrong ones.
    const htpasswd = join(tmp, 'htpasswd');
    writeFileSync(htpasswd, `alice:${bcrypt.hashSync('wonderland', 5).replace(/^\$2[ab]\$/, '$2y$')}\n`);
    const secured = await startRegistryProcess({
      args: ['--htpasswd', htpasswd, '--token-secret', 'peers-test-secret-0123456789'],
    });
    try {
      const sref = `${secured.addr}/peers/private:v1`;
      await ok(['tag', ref, sref]);
      const anon = await docker(env, ['push', sref], { timeoutMs: 60_000 });
      assert.notEqual(anon.code, 0);
      // Refused at once: dockerd retries an upload for 50 s on an error it does not know to be final.
      assert.match(anon.stdout + anon.stderr, /unauthorized: authentication required/);
      assert.doesNotMatch(anon.stdout, /Retrying in/);
      const bad = await docker(env, ['login', '-u', 'alice', '--password-stdin', secured.addr], { input: 'wrong\n' });
      assert.notEqual(bad.code, 0);
      const login = await docker(env, ['login', '-u', 'alice', '--password-stdin', secured.addr], {
        input: 'wonderland\n',
      });
      assert.equal(login.code, 0, login.stderr);
      assert.match(await ok(['push', sref]), /v1: digest: sha256:/);
      await ok(['rmi', sref]);
      await ok(['pull', sref]);
      await ok(['logout', secured.addr]);
      await ok(['rmi', sref]);
      const refused = await docker(env, ['pull', sref], { timeoutMs: 60_000 });
      assert.notEqual(refused.code, 0);
    } finally {
      await secured.close();
    }
  },
);

test(
  'berthd --registry-addr serves the registry from its own root',
  { skip: !isRoot() ? 'needs root' : !hasSkopeo && 'skopeo is not installed' },
  async () => {
    const daemon = await startDaemon({ extraArgs: ['--registry-addr', '127.0.0.1:0'] });
    try {
      const addr = /"address":"([^"]+)","root":"[^"]+","msg":"registry listening"/.exec(daemon.logs())?.[1];
      assert.ok(addr, 'the daemon logs where its registry listens');
      await skopeo([
        'copy',
        '--dest-tls-verify=false',
        `docker-archive:${images.busybox}`,
        `docker://${addr}/embedded/busybox:v1`,
      ]);
      const tags = JSON.parse(
        await skopeo(['list-tags', '--tls-verify=false', `docker://${addr}/embedded/busybox`]),
      ) as { Tags: string[] };
      assert.deepEqual(tags.Tags, ['v1']);
      assert.ok(existsSync(join(daemon.dataRoot, 'registry', 'registry.db')));
    } finally {
      await daemon.cleanup();
    }
  },
);

test(
  "the docker CLI and berth, through berthd, push to and pull from berth's registry; docker login to its token auth",
  { skip: !isRoot() && 'needs root' },
  async () => {
    const daemon = await startDaemon();
    const htpasswd = join(tmp, 'htpasswd-berthd');
    writeFileSync(htpasswd, `bob:${bcrypt.hashSync('builder', 5).replace(/^\$2[ab]\$/, '$2y$')}\n`);
    const secured = await startRegistryProcess({
      args: ['--htpasswd', htpasswd, '--token-secret', 'berthd-peers-secret-0123456789'],
    });
    try {
      const env = { ...daemon.env, DOCKER_CONFIG: join(tmp, 'berthd-docker-config') };
      const ok = async (args: string[], client = docker) => {
        const r = await client(env, args, { timeoutMs: 120_000 });
        assert.equal(r.code, 0, `${args.join(' ')}:\n${r.stdout}${r.stderr}`);
        return r.stdout;
      };
      await ok(['load', '-i', images.layered]);
      const ref = `${reg.addr}/peers/through-berthd:v1`;
      await ok(['tag', 'berth-test/layered:latest', ref]);
      assert.match(await ok(['push', ref]), /v1: digest: sha256:[0-9a-f]{64} size: \d+/);
      const raw = await skopeo(['inspect', '--raw', '--tls-verify=false', `docker://${ref}`]);
      assert.equal((JSON.parse(raw) as { layers: unknown[] }).layers.length, 3);
      await ok(['rmi', ref]);
      await ok(['pull', ref]);
      assert.equal((await ok(['run', '--rm', ref, 'echo', 'pulled through berthd'])).trim(), 'pulled through berthd');
      await ok(['rmi', ref]);
      await ok(['pull', ref], berth);

      const sref = `${secured.addr}/peers/private-berthd:v1`;
      await ok(['tag', ref, sref]);
      const anon = await docker(env, ['push', sref], { timeoutMs: 60_000 });
      assert.notEqual(anon.code, 0);
      const bad = await docker(env, ['login', '-u', 'bob', '--password-stdin', secured.addr], { input: 'nope\n' });
      assert.notEqual(bad.code, 0);
      const login = await docker(env, ['login', '-u', 'bob', '--password-stdin', secured.addr], { input: 'builder\n' });
      assert.equal(login.code, 0, login.stdout + login.stderr);
      assert.match(await ok(['push', sref]), /v1: digest: sha256:/);
      await ok(['rmi', sref]);
      await ok(['pull', sref]);
    } finally {
      await secured.close();
      await daemon.cleanup();
    }
  },
);
