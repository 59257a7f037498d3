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
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { docker } from '../helpers/run.js';
import { dockerOffline } from '../helpers/offline-resolver.js';
import { freePort, startRegistry } from '../helpers/docker-registry.js';
import { makeTestCa } from '../helpers/test-ca.js';
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
  'pulls of mirrored domains (gcr.io, quay.io) go to their hosts.toml server (CRI and Engine API), keeping the domain in the names',
  { skip },
  async () => {
    const { daemon } = pair;
    const pulled = await crictl(daemon, ['pull', `${CRI_TOOLS}/test-image-tag:test`]);
    assert.equal(pulled.code, 0, pulled.stderr);
    const listed = await docker(daemon.env, ['images', '--format', '{{.Repository}}:{{.Tag}}', `${CRI_TOOLS}/*`]);
    assert.deepEqual(listed.stdout.split('\n').filter(Boolean), [`${CRI_TOOLS}/test-image-tag:test`]);
    assert.equal((await crictl(daemon, ['rmi', `${CRI_TOOLS}/test-image-tag:test`])).code, 0);
    // The docker CLI looks gcr.io up itself before a pull: it sees a resolver that answers nothing.
    const dockerPull = await dockerOffline(daemon.env, ['pull', `${CRI_TOOLS}/test-image-tag:all`]);
    assert.equal(dockerPull.code, 0, dockerPull.stderr);
    assert.equal((await docker(daemon.env, ['rmi', `${CRI_TOOLS}/test-image-tag:all`])).code, 0);
    // quay.io, mirrored the same way: its name kept, its public host never asked (it is blocked).
    const quay = 'quay.io/k8s-staging-cri-tools/test-image-tag:test';
    const fromQuay = await crictl(daemon, ['pull', quay]);
    assert.equal(fromQuay.code, 0, fromQuay.stderr);
    const quayListed = await docker(daemon.env, ['images', '--format', '{{.Repository}}:{{.Tag}}', 'quay.io/*/*']);
    assert.deepEqual(quayListed.stdout.split('\n').filter(Boolean), [quay]);
    assert.equal((await crictl(daemon, ['rmi', quay])).code, 0);
    // Not mirrored, and blocked: never contacted.
    const blocked = await crictl(daemon, ['pull', 'ghcr.io/podman/hello:latest']);
    assert.notEqual(blocked.code, 0);
    assert.match(blocked.stderr, /blocked by the daemon's configuration/);
  },
);

test(
  'hosts.toml on both engines: each host tried in turn, then server; a pull-only host serves digests, never tags',
  { skip },
  async () => {
    const { daemon, containerd, registry, hostsDir } = pair;
    // Registry domains on loopback ports nothing listens on (their "public host" is dead: nothing leaves the
    // machine whatever an engine does), each with a hosts.toml in the directory both engines read.
    const [inTurn, pullOnly, deadMirror] = await Promise.all([freePort(), freePort(), freePort()]);
    const hosts = (port: number, toml: string): string => {
      mkdirSync(join(hostsDir, `127.0.0.1:${port}`));
      writeFileSync(join(hostsDir, `127.0.0.1:${port}`, 'hosts.toml'), toml);
      return `127.0.0.1:${port}/k8s-staging-cri-tools/test-image-tag`;
    };
    const mirrored = hosts(
      inTurn,
      `[host."http://127.0.0.1:${deadMirror}"]\n  capabilities = ["pull", "resolve"]\n` +
        `[host."http://${registry.host}/v2"]\n  capabilities = ["pull", "resolve"]\n`,
    );
    const blobsOnly = hosts(pullOnly, `[host."http://${registry.host}"]\n  capabilities = ["pull"]\n`);
    const sockets = [criSocketOf(daemon), containerd.socketPath];
    const inspect = async (socket: string, ref: string): Promise<{ id: string; repoDigests: string[] }> => {
      const r = await crictl(socket, ['inspecti', ref]);
      assert.equal(r.code, 0, r.stderr);
      return (JSON.parse(r.stdout) as { status: { id: string; repoDigests: string[] } }).status;
    };
    // The dead mirror, then the registry: the pull works on both engines, keeping the name asked for.
    const pulled = await Promise.all(sockets.map((s) => crictl(s, ['pull', `${mirrored}:test`])));
    for (const r of pulled) assert.equal(r.code, 0, r.stderr);
    const [onBerthd, onContainerd] = await Promise.all(sockets.map((s) => inspect(s, `${mirrored}:test`)));
    assert.equal(onBerthd!.id, onContainerd!.id);
    const digest = /@(sha256:[0-9a-f]{64})$/.exec(onBerthd!.repoDigests[0] ?? '')?.[1];
    assert.ok(digest, onBerthd!.repoDigests.join());
    // The Engine API goes the same way.
    const dockerPull = await docker(daemon.env, ['pull', `${mirrored}:all`]);
    assert.equal(dockerPull.code, 0, dockerPull.stderr);
    // A host without "resolve" is not asked for a tag (the domain itself is, and it is dead); by digest it serves.
    const byTag = await Promise.all(sockets.map((s) => crictl(s, ['pull', `${blobsOnly}:test`])));
    for (const r of byTag) assert.notEqual(r.code, 0, r.stdout);
    assert.match(byTag[0]!.stderr, new RegExp(`127\\.0\\.0\\.1:${pullOnly}.*ECONNREFUSED`));
    const byDigest = await Promise.all(sockets.map((s) => crictl(s, ['pull', `${blobsOnly}@${digest}`])));
    for (const r of byDigest) assert.equal(r.code, 0, r.stderr);
    const viaEngineApi = await docker(daemon.env, ['pull', `${blobsOnly}@${digest}`]);
    assert.equal(viaEngineApi.code, 0, viaEngineApi.stderr);
    assert.equal((await docker(daemon.env, ['rmi', `${mirrored}:all`])).code, 0);
    // Every name of the image goes with it.
    for (const s of sockets) assert.equal((await crictl(s, ['rmi', onBerthd!.id])).code, 0, s);
  },
);

test(
  "registry TLS on both engines: hosts.toml's ca, client (a pair or one file) and skip_verify, and certs.d files without hosts.toml",
  { skip },
  async () => {
    const { daemon, containerd, registry, hostsDir } = pair;
    // The stand-ins' storage served again over TLS, asking for a client certificate of a CA made here.
    const ca = makeTestCa();
    const tls = await startRegistry({
      storage: join(registry.dir, 'data'),
      tls: { cert: ca.serverCert, key: ca.serverKey, clientCa: ca.caCert },
    });
    try {
      const both = join(ca.dir, 'client-both.pem');
      writeFileSync(both, readFileSync(ca.clientCert, 'utf8') + readFileSync(ca.clientKey, 'utf8'));
      const tlsHost = `https://${tls.host}`;
      const pairKey = `client = [["${ca.clientCert}", "${ca.clientKey}"]]\n`;
      const dead = `[host."http://127.0.0.1:${await freePort()}"]\ncapabilities = ["pull", "resolve"]\n`;
      // Domains on dead loopback ports, their hosts.toml naming the TLS registry as a [host] or as the server
      // (after a dead [host]: containerd 1.6 reads a hosts.toml without [host] tables as none).
      const domain = async (toml: string): Promise<string> => {
        const name = `127.0.0.1:${await freePort()}`;
        mkdirSync(join(hostsDir, name));
        writeFileSync(join(hostsDir, name, 'hosts.toml'), toml);
        return `${name}/k8s-staging-cri-tools/test-image-tag:test`;
      };
      const withCa = await domain(
        `[host."${tlsHost}"]\ncapabilities = ["pull", "resolve"]\nca = "${ca.caCert}"\n${pairKey}`,
      );
      const skipVerify = await domain(`server = "${tlsHost}"\nskip_verify = true\nclient = "${both}"\n${dead}`);
      // The registry as [host] and as server, with the same keys: containerd reports a failed pull's first
      // host's error, berthd its last one's.
      const twice = (keys: string): string =>
        `server = "${tlsHost}"\n${keys}[host."${tlsHost}"]\ncapabilities = ["pull", "resolve"]\n${keys}`;
      const noCa = await domain(twice(pairKey));
      const noClient = await domain(twice(`ca = ["${ca.caCert}"]\n`));
      // Docker's certs.d files in the registry's own directory (no hosts.toml there): containerd's fallback, but
      // containerd 1.6's CRI speaks plain HTTP to a loopback host without hosts.toml, so berthd alone here
      // (cri.test.ts compares certs.d with dockerd).
      const certsDir = join(hostsDir, tls.host);
      mkdirSync(certsDir);
      copyFileSync(ca.caCert, join(certsDir, 'ca.crt'));
      copyFileSync(ca.clientCert, join(certsDir, 'client.cert'));
      copyFileSync(ca.clientKey, join(certsDir, 'client.key'));
      const ownHost = `${tls.host}/k8s-staging-cri-tools/test-image-tag:test`;

      const sockets = [criSocketOf(daemon), containerd.socketPath];
      const pullBoth = (ref: string) => Promise.all(sockets.map((s) => crictl(s, ['pull', ref])));
      for (const ref of [withCa, skipVerify]) {
        const pulled = await pullBoth(ref);
        for (const r of pulled) assert.equal(r.code, 0, `${ref}: ${r.stderr}`);
        assert.equal(pulled[0]!.stdout, pulled[1]!.stdout, ref);
        for (const s of sockets) assert.equal((await crictl(s, ['rmi', ref])).code, 0);
      }
      const own = await crictl(daemon, ['pull', ownHost]);
      assert.equal(own.code, 0, own.stderr);
      assert.equal((await crictl(daemon, ['rmi', ownHost])).code, 0);
      // The Engine API reads the same files.
      const dockerPull = await docker(daemon.env, ['pull', withCa]);
      assert.equal(dockerPull.code, 0, dockerPull.stderr);
      assert.equal((await docker(daemon.env, ['rmi', withCa])).code, 0);
      for (const r of await pullBoth(noCa)) assert.match(r.stderr, /x509: certificate signed by unknown authority/);
      // containerd: "remote error: tls: bad certificate"; Node sees the TLS 1.3 server close the connection.
      const refused = await pullBoth(noClient);
      for (const r of refused) assert.match(r.stderr, new RegExp(`https://${tls.host}/v2/`));
      assert.match(refused[0]!.stderr, /asking for a client certificate/);
      assert.match(refused[1]!.stderr, /tls: bad certificate/);
    } finally {
      await tls.stop();
      ca.remove();
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
