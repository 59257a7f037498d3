// The Kubernetes CRI on berthd, driven by the real crictl (v1.26.1, grpc-go, as kubelet's client): version and
// status; the image service on berth's one image store (what crictl pulls from a loopback registry shows in
// `docker images`, and what docker loaded shows in `crictl images`); pulls with credentials; image fs info;
// Docker Hub pulls through dockerd's registry-mirrors (beside Docker's engine with the same mirrors); a TLS
// registry asking for a client certificate through certs.d (berthd's --registry-config-dir, dockerd's
// /etc/docker/certs.d in a mount namespace of its own); and the methods not implemented yet answering
// UNIMPLEMENTED with their name.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDaemon, isRoot, type TestDaemon } from '../helpers/daemon.js';
import { docker } from '../helpers/run.js';
import { testImages } from '../helpers/images.js';
import {
  forwardFromIpv6Loopback,
  freePort,
  hasDockerRegistry,
  startRegistry,
  type TestRegistry,
} from '../helpers/docker-registry.js';
import { makeTestCa, type TestCa } from '../helpers/test-ca.js';
import { hasDockerd, startDockerd, type DockerEngine } from '../helpers/dockerd.js';
import { CRICTL, crictl, requirePeer } from '../helpers/cri.js';

const skip =
  (!isRoot() && 'needs root') ||
  (!hasDockerRegistry() && 'needs docker-registry (scripts/setup.sh)') ||
  (!hasDockerd() && 'needs dockerd (docker.io)');
let registry: TestRegistry;
/** Docker's engine beside berthd, with the same registry-mirrors. */
let dockerd: DockerEngine;
/** dockerd's registry-mirrors, as both engines get them: a dead one first, then the loopback registry. */
let mirrors: string[];
/** Basic auth over TLS, asking for a client certificate the test CA signed. */
let privateRegistry: TestRegistry;
/** `localhost:PORT`: berthd reaches it on 127.0.0.1; dockerd, whose /etc/hosts says ::1, through a forwarder. */
let privateHost: string;
let ca: TestCa;
let forwarder: { close(): Promise<void> } | undefined;
/** The private registry's certs.d directories: berthd's (under --registry-config-dir) and dockerd's. */
let certsDirs: string[];
let daemon: TestDaemon;
let configDir: string;
let env: NodeJS.ProcessEnv;
let layeredId: string;

const ok = (r: { code: number | null; stdout: string; stderr: string }, what: string): string => {
  assert.equal(r.code, 0, `${what}: ${r.stderr}${r.stdout}`);
  return r.stdout;
};

interface CriImage {
  id: string;
  repoTags: string[];
  repoDigests: string[];
  size: string;
  uid: { value: string } | null;
  username: string;
}

before(async () => {
  if (skip) return;
  requirePeer(CRICTL);
  const images = await testImages();
  ca = makeTestCa();
  [registry, privateRegistry] = await Promise.all([
    startRegistry(),
    startRegistry({
      users: { kube: 'let-me-in' },
      tls: { cert: ca.serverCert, key: ca.serverKey, clientCa: ca.caCert },
    }),
  ]);
  // dockerd skips TLS verification (and its certs.d) for 127.0.0.0/8: its localhost is ::1.
  privateHost = `localhost:${privateRegistry.port}`;
  forwarder = await forwardFromIpv6Loopback(privateRegistry.port);
  const berthConfigDir = join(ca.dir, 'berth-certs.d');
  const dockerEtc = join(ca.dir, 'etc-docker');
  writeFileSync(join(ca.dir, 'hosts'), '::1 localhost\n');
  certsDirs = [join(berthConfigDir, privateHost), join(dockerEtc, 'certs.d', privateHost)];
  placeCerts({ ca: true, client: true });
  // Docker Hub (blocked on berthd, unreachable from this machine) is mirrored by a port nothing listens on, then
  // by the loopback registry.
  mirrors = [`http://127.0.0.1:${await freePort()}`, `http://${registry.host}`];
  const mirrorArgs = mirrors.flatMap((url) => ['--registry-mirror', url]);
  [daemon, dockerd] = await Promise.all([
    startDaemon({ extraArgs: [...mirrorArgs, '--registry-config-dir', berthConfigDir] }),
    startDockerd({ extraArgs: mirrorArgs, binds: { '/etc/docker': dockerEtc, '/etc/hosts': join(ca.dir, 'hosts') } }),
  ]);
  configDir = mkdtempSync(join(tmpdir(), 'berth-docker-config-'));
  env = { ...daemon.env, DOCKER_CONFIG: configDir };
  for (const r of await Promise.all([images.busybox, images.layered].map((tar) => docker(env, ['load', '-i', tar]))))
    ok(r, 'docker load');
  layeredId = ok(
    await docker(env, ['image', 'inspect', '--format', '{{.Id}}', 'berth-test/layered']),
    'inspect',
  ).trim();
  // Into the registries, then out of berth: the CRI pulls must really download.
  const pub = `${registry.host}/e2e/layered:v1`;
  const priv = `${privateHost}/e2e/private:v1`;
  const hub = `${registry.host}/library/hub-mirrored:v1`;
  ok(await docker(env, ['tag', 'berth-test/layered', pub]), 'tag');
  ok(await docker(env, ['tag', 'berth-test/layered', priv]), 'tag');
  ok(await docker(env, ['tag', 'berth-test/layered', hub]), 'tag');
  ok(await docker(env, ['login', '-u', 'kube', '--password-stdin', privateHost], { input: 'let-me-in' }), 'login');
  // The three pushes at once (the layers are the same image's: the setup's longest step when one after another).
  for (const r of await Promise.all([pub, hub, priv].map((ref) => docker(env, ['push', ref])))) ok(r, 'push');
  ok(await docker(env, ['rmi', pub, priv, hub, 'berth-test/layered']), 'rmi');
});
after(async () => {
  await Promise.all([
    daemon?.cleanup(),
    dockerd?.stop(),
    registry?.stop(),
    privateRegistry?.stop(),
    forwarder?.close(),
  ]);
  if (configDir) rmSync(configDir, { recursive: true, force: true });
  ca?.remove();
});

/** Docker's certs.d layout in both engines' directories: ca.crt, client.cert + client.key. */
function placeCerts(want: { ca: boolean; client: boolean }): void {
  for (const dir of certsDirs) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    if (want.ca) copyFileSync(ca.caCert, join(dir, 'ca.crt'));
    if (want.client) {
      copyFileSync(ca.clientCert, join(dir, 'client.cert'));
      copyFileSync(ca.clientKey, join(dir, 'client.key'));
    }
  }
}

const criImages = async (): Promise<CriImage[]> =>
  (JSON.parse(ok(await crictl(daemon, ['images', '-o', 'json']), 'crictl images')) as { images: CriImage[] }).images;
const dockerImages = async (): Promise<string[]> =>
  ok(await docker(env, ['images', '--format', '{{.Repository}}:{{.Tag}} {{.ID}}']), 'docker images')
    .split('\n')
    .filter(Boolean);

test(
  'crictl version and info: runtime berth, CRI v1; RuntimeReady, NetworkReady false until pod networking',
  { skip },
  async () => {
    const version = ok(await crictl(daemon, ['version']), 'crictl version');
    assert.match(version, /^Version:\s+0\.1\.0$/m);
    assert.match(version, /^RuntimeName:\s+berth$/m);
    assert.match(version, /^RuntimeVersion:\s+\S+$/m);
    assert.match(version, /^RuntimeApiVersion:\s+v1$/m);
    const info = JSON.parse(ok(await crictl(daemon, ['info']), 'crictl info')) as {
      status: { conditions: { type: string; status: boolean; reason: string }[] };
      config: { imageFsMountpoint: string };
    };
    assert.deepEqual(
      info.status.conditions.map((c) => [c.type, c.status, c.reason]),
      [
        ['RuntimeReady', true, ''],
        ['NetworkReady', false, 'NetworkPluginNotReady'],
      ],
    );
    assert.equal(info.config.imageFsMountpoint, join(daemon.dataRoot, 'snapshots'));
  },
);

test(
  'what docker loaded shows in crictl images and inspecti (by name, familiar name, ID and ID prefix)',
  { skip },
  async () => {
    const busyboxId = ok(await docker(env, ['image', 'inspect', '--format', '{{.Id}}', 'busybox']), 'inspect').trim();
    const listed = (await criImages()).find((i) => i.id === busyboxId);
    assert.ok(listed, 'busybox in crictl images');
    assert.deepEqual(listed.repoTags, ['docker.io/library/busybox:latest']);
    assert.ok(Number(listed.size) > 0);
    for (const ref of ['busybox', 'docker.io/library/busybox:latest', busyboxId, busyboxId.slice(7, 19)]) {
      const status = JSON.parse(ok(await crictl(daemon, ['inspecti', ref]), `inspecti ${ref}`)) as {
        status: CriImage;
        info: { id: string; imageSpec: { rootfs: { diff_ids: string[] } } };
      };
      assert.equal(status.status.id, busyboxId, ref);
      assert.equal(status.info.id, busyboxId);
      assert.equal(status.info.imageSpec.rootfs.diff_ids.length, 1);
    }
    const table = ok(await crictl(daemon, ['images']), 'crictl images');
    assert.match(table, new RegExp(`^docker\\.io/library/busybox\\s+latest\\s+${busyboxId.slice(7, 20)}\\s`, 'm'));
    const missing = await crictl(daemon, ['inspecti', 'not-here:1']);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /no such image \\"not-here:1\\" present/);
  },
);

test(
  'crictl pull from a loopback registry shows in docker images; crictl rmi takes it out of docker too',
  { skip },
  async () => {
    const ref = `${registry.host}/e2e/layered:v1`;
    assert.ok(!(await dockerImages()).some((l) => l.startsWith(`${registry.host}/e2e/layered`)));
    const pull = ok(await crictl(daemon, ['pull', ref]), 'crictl pull');
    assert.equal(pull.trim(), `Image is up to date for ${layeredId}`);
    assert.ok((await dockerImages()).includes(`${ref} ${layeredId.slice(7, 19)}`), 'pulled image in docker images');
    const run = await docker(env, ['run', '--rm', ref, 'cat', '/data/new']);
    assert.equal(run.stdout, 'new\n', run.stderr);

    const listed = (await criImages()).find((i) => i.id === layeredId);
    assert.ok(listed);
    assert.deepEqual(listed.repoTags, [ref]);
    assert.equal(listed.repoDigests.length, 1);
    assert.match(listed.repoDigests[0] ?? '', new RegExp(`^${registry.host}/e2e/layered@sha256:[0-9a-f]{64}$`));
    // By its repo digest too, as kubelet asks for images pinned by digest.
    const byDigest = JSON.parse(ok(await crictl(daemon, ['inspecti', listed.repoDigests[0] ?? '']), 'inspecti')) as {
      status: CriImage;
    };
    assert.equal(byDigest.status.id, layeredId);
    // A second pull of the same tag is the same image.
    assert.equal(ok(await crictl(daemon, ['pull', ref]), 'pull again').trim(), `Image is up to date for ${layeredId}`);

    const rmi = ok(await crictl(daemon, ['rmi', ref]), 'crictl rmi');
    assert.equal(rmi.trim(), `Deleted: ${ref}`);
    assert.ok(!(await criImages()).some((i) => i.id === layeredId));
    assert.ok(!(await dockerImages()).some((l) => l.includes(layeredId.slice(7, 19))), 'gone from docker images');
  },
);

test(
  "dockerd's registry-mirrors: Docker Hub pulls (CRI and Engine API) try each mirror in order, then docker.io, as on dockerd",
  { skip },
  async () => {
    // The dead mirror first, then the one that answers: the image's only copy is there.
    ok(await crictl(daemon, ['pull', 'hub-mirrored:v1']), 'crictl pull');
    const status = JSON.parse(ok(await crictl(daemon, ['inspecti', 'hub-mirrored:v1']), 'inspecti')) as {
      status: CriImage;
    };
    assert.equal(status.status.id, layeredId);
    assert.deepEqual(status.status.repoTags, ['docker.io/library/hub-mirrored:v1']);
    ok(await docker(env, ['rmi', 'hub-mirrored:v1']), 'rmi');
    const [berthPull, dockerdPull] = await Promise.all([
      docker(env, ['pull', 'hub-mirrored:v1']),
      docker(dockerd.env, ['pull', 'hub-mirrored:v1']),
    ]);
    assert.equal(berthPull.code, 0, berthPull.stderr);
    assert.equal(dockerdPull.code, 0, dockerdPull.stderr);
    const idOn = async (e: NodeJS.ProcessEnv): Promise<string> =>
      ok(await docker(e, ['image', 'inspect', '--format', '{{.Id}}', 'hub-mirrored:v1']), 'inspect').trim();
    assert.deepEqual(await Promise.all([idOn(env), idOn(dockerd.env)]), [layeredId, layeredId]);
    // docker info shows the mirrors as dockerd does.
    const mirrorsOn = async (e: NodeJS.ProcessEnv): Promise<string> =>
      ok(await docker(e, ['info', '--format', '{{json .RegistryConfig.Mirrors}}']), 'info').trim();
    assert.deepEqual(await Promise.all([mirrorsOn(env), mirrorsOn(dockerd.env)]), [
      JSON.stringify(mirrors.map((m) => `${m}/`)),
      JSON.stringify(mirrors.map((m) => `${m}/`)),
    ]);
    ok(await docker(env, ['rmi', 'hub-mirrored:v1']), 'rmi');
    // What no mirror has goes on to docker.io itself, last (blocked here, so nothing leaves the machine).
    const absent = await crictl(daemon, ['pull', 'not-mirrored:v1']);
    assert.notEqual(absent.code, 0);
    assert.match(absent.stderr, /registry docker\.io is blocked by the daemon's configuration/);
  },
);

test(
  'crictl pull with credentials (--creds, --auth); without them or with wrong ones it is refused',
  { skip },
  async () => {
    const ref = `${privateHost}/e2e/private:v1`;
    const anonymous = await crictl(daemon, ['pull', ref]);
    assert.notEqual(anonymous.code, 0);
    assert.match(anonymous.stderr, /code = Unauthenticated/);
    const wrong = await crictl(daemon, ['pull', '--creds', 'kube:nope', ref]);
    assert.notEqual(wrong.code, 0);
    assert.match(wrong.stderr, /code = Unauthenticated/);
    assert.ok(!(await criImages()).some((i) => i.repoTags.includes(ref)));

    assert.equal(
      ok(await crictl(daemon, ['pull', '--creds', 'kube:let-me-in', ref]), 'pull --creds').trim(),
      `Image is up to date for ${layeredId}`,
    );
    ok(await crictl(daemon, ['rmi', ref]), 'rmi');
    const auth = Buffer.from('kube:let-me-in').toString('base64');
    ok(await crictl(daemon, ['pull', '--auth', auth, ref]), 'pull --auth');
    assert.ok((await criImages()).some((i) => i.repoTags.includes(ref)));
    ok(await crictl(daemon, ['rmi', ref]), 'rmi');
  },
);

test(
  "certs.d (Docker's layout): docker pull over TLS with a client certificate on berthd and dockerd alike; without the pair, then without the CA, both refuse with the reason",
  { skip },
  async () => {
    const ref = `${privateHost}/e2e/private:v1`;
    const dockerdEnv = { ...dockerd.env, DOCKER_CONFIG: configDir };
    const pullBoth = () => Promise.all([docker(env, ['pull', ref]), docker(dockerdEnv, ['pull', ref])]);
    try {
      const [berth, docker20] = await pullBoth();
      ok(berth, 'pull on berthd');
      ok(docker20, 'pull on dockerd');
      const idOn = async (e: NodeJS.ProcessEnv): Promise<string> =>
        ok(await docker(e, ['image', 'inspect', '--format', '{{.Id}}', ref]), 'inspect').trim();
      assert.deepEqual(await Promise.all([idOn(env), idOn(dockerdEnv)]), [layeredId, layeredId]);
      await Promise.all([docker(env, ['rmi', ref]), docker(dockerdEnv, ['rmi', ref])]);

      placeCerts({ ca: true, client: false });
      // Refused in the handshake (dockerd: "remote error: tls: bad certificate"; Node sees the TLS 1.3 server
      // close the connection).
      const noClient = await pullBoth();
      for (const r of noClient) assert.match(r.stderr, new RegExp(`https://${privateHost}/v2/`));
      assert.match(noClient[0].stderr, /asking for a client certificate/);
      assert.match(noClient[1].stderr, /tls: bad certificate/);

      placeCerts({ ca: false, client: false });
      const noCa = await pullBoth();
      for (const r of noCa) assert.match(r.stderr, /x509: certificate signed by unknown authority/);
    } finally {
      placeCerts({ ca: true, client: true });
    }
  },
);

test('crictl imagefsinfo: the snapshot root, with the bytes and inodes of the unpacked layers', { skip }, async () => {
  const fsinfo = async (): Promise<{ mountpoint: string; bytes: number; inodes: number }> => {
    const s = (
      JSON.parse(ok(await crictl(daemon, ['imagefsinfo']), 'imagefsinfo')) as {
        status: {
          timestamp: string;
          fsId: { mountpoint: string };
          usedBytes: { value: string };
          inodesUsed: { value: string };
        };
      }
    ).status;
    assert.ok(Math.abs(Number(s.timestamp) / 1e6 - Date.now()) < 60_000, 'timestamp in nanoseconds, now');
    return { mountpoint: s.fsId.mountpoint, bytes: Number(s.usedBytes.value), inodes: Number(s.inodesUsed.value) };
  };
  const before = await fsinfo();
  assert.equal(before.mountpoint, join(daemon.dataRoot, 'snapshots'));
  assert.ok(before.bytes > 0 && before.inodes > 0, 'busybox is unpacked');
  const ref = `${registry.host}/e2e/layered:v1`;
  ok(await crictl(daemon, ['pull', ref]), 'pull');
  const after = await fsinfo();
  assert.ok(after.bytes > before.bytes && after.inodes > before.inodes, JSON.stringify({ before, after }));
  ok(await crictl(daemon, ['rmi', ref]), 'rmi');
  assert.deepEqual(await fsinfo().then((f) => [f.bytes, f.inodes]), [before.bytes, before.inodes]);
});

test('what is not implemented yet answers UNIMPLEMENTED, naming the method', { skip }, async () => {
  // Checkpointing (CRIU) is not built: crictl checkpoint asks for it first.
  for (const [args, method] of [
    [['checkpoint', '--export', '/tmp/berth-no-checkpoint.tar', 'no-such-container'], 'CheckpointContainer'],
  ] as const) {
    const r = await crictl(daemon, [...args]);
    assert.notEqual(r.code, 0);
    assert.match(
      r.stderr,
      new RegExp(`code = Unimplemented desc = runtime\\.v1\\.RuntimeService\\.${method} is not implemented`),
    );
  }
});
