// Shared by the berth CLI end-to-end tests: a busybox docker-archive with a fixed creation time (so
// "N years ago" is stable) and a side-by-side runner of `docker X` and `berth X`. Docker's engine: helpers/dockerd.ts.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
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
  execFileSync('tar', [
    '--sort=name',
    '--mtime=2020-01-01',
    '--owner=0',
    '--group=0',
    '--numeric-owner',
    '-C',
    root,
    '-cf',
    rootfs,
    'bin',
  ]);
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
      {
        created: CREATED,
        created_by: '/bin/sh -c #(nop) ADD file:0123456789abcdef0123456789abcdef in / ',
        comment: 'busybox layer',
      },
      { created: CREATED, created_by: '/bin/sh -c #(nop)  CMD ["/bin/sh"]', empty_layer: true },
    ],
  };
  const configText = JSON.stringify(config);
  const configId = createHash('sha256').update(configText).digest('hex');
  writeFileSync(join(out, `${configId}.json`), configText);
  writeFileSync(
    join(out, 'manifest.json'),
    JSON.stringify([{ Config: `${configId}.json`, RepoTags: ['busybox:latest'], Layers: [`${layerId}/layer.tar`] }]),
  );
  const archive = join(dir, 'busybox.tar');
  execFileSync('tar', [
    '--owner=0',
    '--group=0',
    '-C',
    out,
    '-cf',
    archive,
    'manifest.json',
    `${configId}.json`,
    layerId,
  ]);
  return { dir, archive, rootfs };
}

/** Runs `docker ARGS` and `berth ARGS` against the same daemon. */
export async function both(
  env: NodeJS.ProcessEnv,
  args: string[],
  input?: string | Buffer,
): Promise<{ docker: RunResult; berth: RunResult }> {
  const d = await docker(env, args, { input });
  const b = await berth(env, args, { input });
  return { docker: d, berth: b };
}

/** berth's messages name berth where docker's name docker. */
export const asDocker = (text: string): string => text.replace(/\bberth(?=[ ':])/g, 'docker');

/** @deprecated Docker's engine lives in helpers/dockerd.ts; re-exported for branches written before the move. */
export { hasDockerd, startDockerd, type DockerEngine } from '../helpers/dockerd.js';
