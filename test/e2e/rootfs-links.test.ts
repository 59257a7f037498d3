// Paths the engine itself creates or mounts in a rootfs at container start, in images where they are links
// to a host directory: `/dev` (runc's device links and mounts), `/etc` (hosts, hostname, resolv.conf), the
// working directory, a volume's target, a tmpfs and a bind target. Run with `docker run` against berthd and
// Docker's own engine; the host directory must come out untouched (the container may fail to start). One
// exception, found here: Docker's engine with this host's runc (1.1) makes runc's /dev links (fd, ptmx,
// stdin, stdout, stderr) in the host directory an image's /dev points to. berth's init layer's /dev hides the
// image's link; a container without it (label berth.init-layer, as a pod's or a BuildKit step's) is refused.
// For Docker that case only puts the host back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import tar from 'tar-stream';
import { docker } from '../helpers/run.js';
import { assertVictimUntouched } from '../fixtures/hostile-tars.js';
import { engines, skip, useEngines, victimDir } from '../helpers/hostile-engines.js';

useEngines();

/** A rootfs tar: static busybox as /bin/sh, and each link given. */
async function rootfsWith(links: Record<string, string>): Promise<Buffer> {
  const busybox = readFileSync(execFileSync('sh', ['-c', 'command -v busybox'], { encoding: 'utf8' }).trim());
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (c: unknown) => void chunks.push(c as Buffer));
  const done = new Promise<void>((resolve) => pack.on('end', () => resolve()));
  pack.entry({ name: 'bin/', type: 'directory', mode: 0o755 });
  pack.entry({ name: 'bin/busybox', mode: 0o755 }, busybox);
  pack.entry({ name: 'bin/sh', type: 'symlink', linkname: 'busybox' });
  for (const [name, target] of Object.entries(links)) pack.entry({ name, type: 'symlink', linkname: target });
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

test('images whose /dev, /etc, workdir, volume and tmpfs targets are links to a host directory', { skip }, async () => {
  const v = victimDir();
  const cases: { name: string; links: Record<string, string>; args: string[] }[] = [
    { name: 'dev', links: { dev: v }, args: [] },
    { name: 'etc', links: { etc: v }, args: [] },
    { name: 'workdir', links: { wd: v }, args: ['-w', '/wd/made'] },
    { name: 'volume', links: { data: v }, args: ['-v', 'rootfs-links-vol:/data'] },
    { name: 'tmpfs', links: { scratch: `${v}/sub` }, args: ['--tmpfs', '/scratch'] },
    { name: 'bind', links: { bound: `${v}/sub` }, args: ['-v', '/tmp:/bound/inner:ro'] },
  ];
  await Promise.all(
    engines().map(async (engine) => {
      for (const c of cases) {
        const image = `rootfs-links/${c.name}`;
        const imported = await docker(engine.env, ['import', '-', image], { input: await rootfsWith(c.links) });
        assert.equal(imported.code, 0, imported.stderr);
        const res = await docker(engine.env, ['run', '--rm', ...c.args, image, '/bin/sh', '-c', 'true'], {
          timeoutMs: 60_000,
        });
        if (engine.name === 'docker' && c.name === 'dev') {
          // Seen here: fd, ptmx, stdin, stdout and stderr made in the host directory (not on every run).
          const planted = readdirSync(v).filter((n) => !['secret', 'sub'].includes(n));
          for (const n of planted)
            assert.ok(['fd', 'ptmx', 'stderr', 'stdin', 'stdout'].includes(n), `Docker planted ${n}`);
          for (const n of planted) rmSync(join(v, n));
        }
        // berth's init layer (as Docker's) has /dev and /etc directories above the image: they hide its links.
        if (engine.name === 'berth') assert.equal(res.code, 0, `${c.name}: ${res.stderr}`);
        assertVictimUntouched(v, `${c.name} on ${engine.name} (run exit ${res.code}: ${res.stderr.trim()})`);
        if (engine.name === 'berth' && c.name === 'dev') {
          // A container without the init layer (a pod's, a BuildKit step's) sees the image's /dev: refused.
          const bare = await docker(engine.env, ['run', '--rm', '--label', 'berth.init-layer=none', image, 'true']);
          assert.match(bare.stderr, /\/dev is a symbolic link/);
          assertVictimUntouched(v, `dev without the init layer on berth (run exit ${bare.code})`);
        }
        await docker(engine.env, ['volume', 'rm', '-f', 'rootfs-links-vol']);
      }
    }),
  );
});
