// Side-by-side networking tests: the same test body runs against berthd (a bridge and subnets of its own) and
// against Docker's engine in a network namespace of its own (its bridges and rules never touch the host's).
// Each test file calls sideBySide() once: it starts both engines before its tests and removes all after.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiRequest, isRoot, startDaemon, type TestDaemon } from '../helpers/daemon.js';
import { docker } from '../helpers/run.js';
import { testImages } from '../helpers/images.js';
import { hasDockerd, startDockerd, type DockerEngine } from '../helpers/dockerd.js';
import { fakeUpstream, scrubHost, uniqueNetConfig, type NetConfig } from '../helpers/net.js';

export const skip = !isRoot() && 'needs root';

export interface Engine {
  name: 'berthd' | 'dockerd';
  env: NodeJS.ProcessEnv;
  socketPath: string;
  /** Second octet of the 10.X.0.0/16 this engine's explicit subnets use. */
  octet: number;
  /** A command where the engine's bridges live. */
  onHost(cmd: string, args: string[]): string;
}

export interface Api {
  status: number;
  json: Record<string, unknown>;
}

export async function api(e: Engine, method: string, path: string, json?: unknown): Promise<Api> {
  const r = await apiRequest(e.socketPath, path, { method, ...(json === undefined ? {} : { json }) });
  return { status: r.status, json: r.body ? (JSON.parse(r.body) as Record<string, unknown>) : {} };
}

export const ok = async (e: Engine, args: string[]): Promise<string> => {
  const r = await docker(e.env, args);
  assert.equal(r.code, 0, `${e.name}: docker ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
};

let work: string;
let upstream: Awaited<ReturnType<typeof fakeUpstream>>;
let net: NetConfig;
let berthd: TestDaemon;
let dockerd: DockerEngine | undefined;
const engines: Engine[] = [];

/** Registers the before/after hooks that start and remove both engines. */
export function sideBySide(options: { berthArgs?: string[] } = {}): void {
  before(async () => {
    if (skip) return;
    work = mkdtempSync(join(tmpdir(), 'berth-netcompat-'));
    upstream = await fakeUpstream(work);
    net = uniqueNetConfig(upstream.resolvConf);
    berthd = await startDaemon({ extraArgs: [...net.args, ...(options.berthArgs ?? [])] });
    engines.push({
      name: 'berthd',
      env: berthd.env,
      socketPath: berthd.socketPath,
      octet: net.octet,
      onHost: (cmd, args) => execFileSync(cmd, args, { encoding: 'utf8' }),
    });
    if (hasDockerd()) {
      dockerd = await startDockerd({ netns: true });
      const d = dockerd;
      engines.push({
        name: 'dockerd',
        env: d.env,
        socketPath: d.socketPath,
        octet: 77,
        onHost: (cmd, args) => d.inNetns(cmd, args),
      });
    }
    const images = await testImages();
    for (const e of engines) await ok(e, ['load', '-i', images.busybox]);
  });

  after(async () => {
    if (skip) return;
    for (const e of engines) {
      const ids = (await docker(e.env, ['ps', '-aq'])).stdout.split('\n').filter(Boolean);
      if (ids.length > 0) await docker(e.env, ['rm', '-f', ...ids]);
      await docker(e.env, ['network', 'prune', '-f']);
    }
    await dockerd?.stop();
    await berthd.cleanup();
    scrubHost(net, berthd.execRoot);
    await upstream.close();
    rmSync(work, { recursive: true, force: true });
  });
}

/** The same body for each engine (dockerd only where the machine has it). */
export function bothEngines(title: string, body: (e: Engine) => Promise<void>): void {
  describe(title, { skip }, () => {
    for (const name of ['berthd', 'dockerd'] as const) {
      test(name, { skip: skip || (name === 'dockerd' && !hasDockerd() && 'no dockerd') }, async () => {
        const e = engines.find((x) => x.name === name);
        assert.ok(e);
        await body(e);
      });
    }
  });
}

export const berthOnly = (): Engine => {
  const e = engines.find((x) => x.name === 'berthd');
  assert.ok(e);
  return e;
};
