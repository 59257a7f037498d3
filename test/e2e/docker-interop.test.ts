// Images move between berth and Docker's own engine both ways with the same IDs. Needs dockerd (the docker.io
// package); skipped without it. The dockerd runs on its own socket and roots, off the host network.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDaemon, isRoot, type TestDaemon } from '../helpers/daemon.js';
import { docker } from '../helpers/run.js';
import { testImages } from '../helpers/images.js';

const hasDockerd = (): boolean => {
  try {
    execFileSync('sh', ['-c', 'command -v dockerd']);
    return true;
  } catch {
    return false;
  }
};
const skip = !isRoot() ? 'needs root' : !hasDockerd() ? 'needs dockerd (apt-get install docker.io)' : false;

test('an image saved by Docker loads into berth, and one saved by berth loads into Docker', { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-interop-'));
  const sock = join(dir, 'docker.sock');
  const dockerd = spawn(
    'dockerd',
    [
      '-H',
      `unix://${sock}`,
      '--data-root',
      join(dir, 'root'),
      '--exec-root',
      join(dir, 'exec'),
      '--pidfile',
      join(dir, 'pid'),
      '--bridge=none',
      '--iptables=false',
      '--ip-masq=false',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  await new Promise<void>((resolve, reject) => {
    dockerd.stderr.on('data', (c: Buffer) => {
      log += c.toString();
      if (log.includes('API listen on')) resolve();
    });
    dockerd.once('exit', () => reject(new Error(`dockerd exited:\n${log}`)));
  });
  const dockerEnv = { ...process.env, DOCKER_HOST: `unix://${sock}` };
  let berthd: TestDaemon | undefined;
  try {
    // Inside the try: if berthd cannot start, the dockerd above is still stopped and its roots removed.
    berthd = await startDaemon();
    const { layered } = await testImages();
    assert.equal((await docker(dockerEnv, ['load', '-i', layered])).code, 0);
    const dockerId = (await docker(dockerEnv, ['images', '-q', '--no-trunc', 'berth-test/layered'])).stdout.trim();
    const fromDocker = join(dir, 'from-docker.tar');
    assert.equal((await docker(dockerEnv, ['save', '-o', fromDocker, 'berth-test/layered'])).code, 0);
    assert.equal((await docker(berthd.env, ['load', '-i', fromDocker])).code, 0);
    assert.equal(
      (await docker(berthd.env, ['images', '-q', '--no-trunc', 'berth-test/layered'])).stdout.trim(),
      dockerId,
    );

    assert.equal((await docker(berthd.env, ['tag', 'berth-test/layered', 'made-by-berth:v1'])).code, 0);
    const fromBerth = join(dir, 'from-berth.tar');
    assert.equal((await docker(berthd.env, ['save', '-o', fromBerth, 'made-by-berth:v1'])).code, 0);
    const load = await docker(dockerEnv, ['load', '-i', fromBerth]);
    assert.equal(load.code, 0, load.stderr);
    assert.equal((await docker(dockerEnv, ['images', '-q', '--no-trunc', 'made-by-berth:v1'])).stdout.trim(), dockerId);
  } finally {
    await berthd?.cleanup();
    const pid = existsSync(join(dir, 'pid')) ? Number(readFileSync(join(dir, 'pid'), 'utf8')) : dockerd.pid;
    if (pid) process.kill(pid, 'SIGTERM');
    await new Promise((resolve) => (dockerd.exitCode !== null ? resolve(undefined) : dockerd.once('exit', resolve)));
    execFileSync('sh', ['-c', `grep ' ${dir}' /proc/mounts | cut -d' ' -f2 | sort -r | xargs -r umount -l`]);
    rmSync(dir, { recursive: true, force: true });
  }
});
