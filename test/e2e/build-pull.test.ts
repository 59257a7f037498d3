// Base images a build does not have are pulled, as dockerd's classic builder pulls them: from a loopback
// registry (Debian's docker-registry, with basic auth) holding two releases of a base image pushed by Docker's
// engine. The same scenario runs against berthd and Docker's engine: no credentials, no pull; credentials from
// X-Registry-Config; a moved tag is ignored until pull=1; COPY --from an image that is not local pulls it.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isRoot } from '../helpers/daemon.js';
import { docker } from '../helpers/run.js';
import { hasDockerd, type DockerEngine } from '../helpers/dockerd.js';
import { hasDockerRegistry, startRegistry, type TestRegistry } from '../helpers/docker-registry.js';
import { buildFiles as build, ok, removeAllContainers, runOutput, useBuildEngines } from '../helpers/build-api.js';

const skip =
  (!isRoot() && 'needs root') ||
  (!hasDockerd() && 'needs dockerd') ||
  (!hasDockerRegistry() && 'needs docker-registry');
const USER = 'builder';
const PASSWORD = 'build-secret';

let registry: TestRegistry;
let work: string;
/** The registry's v1 and v2 manifests of `base`, to point base:1 at either. */
const manifests: Record<string, { type: string; body: Buffer }> = {};

/** As the docker CLI encodes it: base64url with padding (dockerd's decoder wants the padding). */
const authHeader = (): Record<string, string> => ({
  'X-Registry-Config': Buffer.from(JSON.stringify({ [registry.host]: { username: USER, password: PASSWORD } }))
    .toString('base64')
    .replace(/\+/g, '-')
    .replace(/\//g, '_'),
});
const basic = (): string => `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;

async function getManifest(tag: string): Promise<{ type: string; body: Buffer }> {
  const res = await fetch(`http://${registry.host}/v2/base/manifests/${tag}`, {
    headers: { authorization: basic(), accept: 'application/vnd.docker.distribution.manifest.v2+json' },
  });
  assert.equal(res.status, 200);
  return { type: res.headers.get('content-type') ?? '', body: Buffer.from(await res.arrayBuffer()) };
}

/** Points base:1 at the v1 or v2 image (a tag moving in the registry, as a new release of a base image does). */
async function tagBase(version: 'v1' | 'v2'): Promise<void> {
  const m = manifests[version] as { type: string; body: Buffer };
  const res = await fetch(`http://${registry.host}/v2/base/manifests/1`, {
    method: 'PUT',
    body: m.body,
    headers: { authorization: basic(), 'content-type': m.type },
  });
  assert.equal(res.status, 201, await res.text());
}

/** Two releases of a base image, pushed by Docker's engine (its own manifests), then forgotten locally. */
async function pushBaseReleases(dockerd: DockerEngine): Promise<void> {
  work = mkdtempSync(join(tmpdir(), 'berth-build-pull-'));
  registry = await startRegistry({ users: { [USER]: PASSWORD } });
  const dockerEnv = { ...dockerd.env, DOCKER_CONFIG: join(work, 'docker-config') };
  const login = await docker(dockerEnv, ['login', '-u', USER, '--password-stdin', registry.host], { input: PASSWORD });
  assert.equal(login.code, 0, login.stderr);
  for (const version of ['v1', 'v2'] as const) {
    ok(
      await build(
        { name: 'dockerd', socketPath: dockerd.socketPath, env: dockerd.env },
        { Dockerfile: `FROM busybox\nRUN echo ${version} > /version\n` },
        { t: `${registry.host}/base:${version}` },
      ),
      `base ${version}`,
    );
    const push = await docker(dockerEnv, ['push', `${registry.host}/base:${version}`], { timeoutMs: 120_000 });
    assert.equal(push.code, 0, push.stderr);
    assert.equal((await docker(dockerEnv, ['rmi', `${registry.host}/base:${version}`])).code, 0);
    manifests[version] = await getManifest(version);
  }
}

const engines = useBuildEngines(skip, { setUp: pushBaseReleases });

after(async () => {
  await registry?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

test(
  'FROM an image that is not local is pulled (X-Registry-Config credentials); pull=1 refreshes a local one',
  { skip },
  async () => {
    for (const engine of engines) {
      await tagBase('v1');
      const files = { Dockerfile: `FROM ${registry.host}/base:1\nRUN cat /version\n` };
      const anonymous = await build(engine, files);
      assert.ok(anonymous.error, `${engine.name}: pulling without credentials fails`);
      assert.equal(
        (await docker(engine.env, ['images', '-q', `${registry.host}/base:1`])).stdout,
        '',
        `${engine.name}: nothing pulled`,
      );

      const first = ok(await build(engine, files, {}, authHeader()), `${engine.name} first`);
      assert.ok(
        first.messages.some((m) => m.status === 'Pulling from base'),
        `${engine.name}: pull progress in the build stream`,
      );
      assert.ok(
        first.messages.some((m) => m.status === `Status: Downloaded newer image for ${registry.host}/base:1`),
        engine.name,
      );
      assert.equal(runOutput(first.text), 'v1\n', engine.name);

      // A new release of base:1 in the registry: the local image is used until pull=1 asks for the newest.
      await tagBase('v2');
      const local = ok(await build(engine, files, { nocache: '1' }, authHeader()), `${engine.name} local`);
      assert.ok(!local.messages.some((m) => typeof m.status === 'string'), `${engine.name}: no pull without pull=1`);
      assert.equal(runOutput(local.text), 'v1\n', engine.name);
      const pulled = ok(await build(engine, files, { pull: '1' }, authHeader()), `${engine.name} pull=1`);
      assert.ok(
        pulled.messages.some((m) => m.status === `Status: Downloaded newer image for ${registry.host}/base:1`),
        engine.name,
      );
      assert.equal(runOutput(pulled.text), 'v2\n', `${engine.name}: pull=1 built on the new release`);

      // COPY --from an image that is not local pulls it too.
      const copyFrom = ok(
        await build(
          engine,
          { Dockerfile: `FROM busybox\nCOPY --from=${registry.host}/base:v1 /version /from-v1\nRUN cat /from-v1\n` },
          {},
          authHeader(),
        ),
        `${engine.name} COPY --from`,
      );
      assert.equal(runOutput(copyFrom.text), 'v1\n', engine.name);
      await removeAllContainers(engine);
    }
  },
);
