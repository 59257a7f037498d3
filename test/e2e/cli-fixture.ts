// Shared by the berth CLI end-to-end tests: a busybox docker-archive with a fixed creation time (so
// "N years ago" is stable), a throwaway dockerd, and a side-by-side runner of `docker X` and `berth X`.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { berth, docker, type RunResult } from '../helpers/run.js';

export const CREATED = '2020-01-01T00:00:00Z';

export interface Fixture {
  dir: string;
  /** docker-archive tagged busybox:latest. */
  archive: string;
  /** A plain rootfs tar for import. */
  rootfs: string;
}

const sha256 = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

export function makeFixture(): Fixture {
  const dir = mkdtempSync(join(tmpdir(), 'berth-cli-fixture-'));
  const root = join(dir, 'rootfs');
  mkdirSync(join(root, 'bin'), { recursive: true });
  copyFileSync('/bin/busybox', join(root, 'bin/busybox'));
  symlinkSync('busybox', join(root, 'bin/sh'));
  const rootfs = join(dir, 'rootfs.tar');
  execFileSync('tar', ['--sort=name', '--mtime=2020-01-01', '--owner=0', '--group=0', '--numeric-owner', '-C', root, '-cf', rootfs, 'bin']);
  const layerId = sha256(rootfs);
  const out = join(dir, 'archive');
  mkdirSync(join(out, layerId), { recursive: true });
  copyFileSync(rootfs, join(out, layerId, 'layer.tar'));
  const config = {
    architecture: 'amd64',
    os: 'linux',
    created: CREATED,
    author: 'test-suite',
    config: { Env: ['PATH=/bin'], Cmd: ['/bin/sh'], Labels: { a: 'b', html: '<x&y>' } },
    rootfs: { type: 'layers', diff_ids: [`sha256:${layerId}`] },
    history: [
      { created: CREATED, created_by: '/bin/sh -c #(nop) ADD file:0123456789abcdef0123456789abcdef in / ', comment: 'busybox layer' },
      { created: CREATED, created_by: '/bin/sh -c #(nop)  CMD ["/bin/sh"]', empty_layer: true },
    ],
  };
  const configText = JSON.stringify(config);
  const configId = createHash('sha256').update(configText).digest('hex');
  writeFileSync(join(out, `${configId}.json`), configText);
  writeFileSync(join(out, 'manifest.json'), JSON.stringify([{ Config: `${configId}.json`, RepoTags: ['busybox:latest'], Layers: [`${layerId}/layer.tar`] }]));
  const archive = join(dir, 'busybox.tar');
  execFileSync('tar', ['--owner=0', '--group=0', '-C', out, '-cf', archive, 'manifest.json', `${configId}.json`, layerId]);
  return { dir, archive, rootfs };
}

export const hasDockerd = (): boolean => existsSync('/usr/sbin/dockerd') || existsSync('/usr/bin/dockerd');

export interface DockerEngine {
  env: NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

function ping(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ socketPath, path: '/_ping' }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.end();
  });
}

/** Docker's own engine on private roots, no networking; its managed containerd stops with it. */
export async function startDockerd(extraArgs: string[] = []): Promise<DockerEngine> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-cli-dockerd-'));
  const socketPath = join(dir, 'docker.sock');
  const child: ChildProcess = spawn(
    'dockerd',
    ['-H', `unix://${socketPath}`, '--data-root', join(dir, 'root'), '--exec-root', join(dir, 'exec'), '--pidfile', join(dir, 'pid'), '--bridge=none', '--iptables=false', '--ip-masq=false', ...extraArgs],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  await new Promise<void>((resolve, reject) => {
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      log += chunk;
      if (log.includes('API listen on')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`dockerd exited with ${code}:\n${log}`)));
  });
  if (!(await ping(socketPath))) throw new Error(`dockerd does not answer:\n${log}`);
  return {
    env: { ...process.env, DOCKER_HOST: `unix://${socketPath}`, BERTH_HOST: `unix://${socketPath}` },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = once(child, 'exit');
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs `docker ARGS` and `berth ARGS` against the same daemon. */
export async function both(env: NodeJS.ProcessEnv, args: string[], input?: string | Buffer): Promise<{ docker: RunResult; berth: RunResult }> {
  const d = await docker(env, args, { input });
  const b = await berth(env, args, { input });
  return { docker: d, berth: b };
}

/** berth's messages name berth where docker's name docker. */
export const asDocker = (text: string): string => text.replace(/\bberth(?=[ ':])/g, 'docker');
