// The docker cp escape corpus, registered into a test file against any berthd (rootful: cp-escapes.test.ts;
// rootless: rootless.test.ts): symlinks to `/`, absolute symlinks naming host paths, `..` climbs, hostile tar
// entries (climbing names, symlink-then-write, hardlinks out), and a container that swaps a path between a
// directory and a symlink to a host directory while copies run both ways. Proves that nothing outside the
// container's root is read (the host secret never comes back) or written (the host directory never changes).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { chownSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import tar from 'tar-stream';
import { run, type RunResult } from './run.js';

export interface CpEscapeTarget {
  socketPath: string;
  /** The docker CLI against the daemon (as whoever owns it). */
  docker(args: string[]): Promise<RunResult>;
  /** berth's CLI against the daemon. */
  berth(args: string[]): Promise<RunResult>;
  /** The owner of the host directory and the work dir (rootless: the daemon's user, so only confinement protects). */
  owner?: { uid: number; gid: number };
  /** Rounds of copies while the paths flip (default 25; fewer where a file's time budget is tight). */
  raceRounds?: number;
}

const SECRET = 'HOST SECRET, never to be read';

/** Registers the corpus; `target` is asked when the first case runs (after the file's daemon started). */
export function registerCpEscapes(skip: string | false, target: () => CpEscapeTarget, prefix = ''): void {
  let t: CpEscapeTarget;
  let host: string;
  let work: string;
  const d = (args: string[]) => t.docker(args);

  /** One API call through curl: status and body. */
  async function api(method: string, path: string, body?: string): Promise<{ status: number; body: string }> {
    const args = ['-s', '-o', '-', '-w', '\n%{http_code}', '-X', method, '--unix-socket', t.socketPath];
    if (body) args.push('-H', 'Content-Type: application/x-tar', '--data-binary', `@${body}`);
    if (method === 'HEAD') args.splice(args.indexOf('-X'), 2, '-I');
    const r = await run('curl', [...args, `http://x${path}`]);
    const cut = r.stdout.lastIndexOf('\n');
    return { status: Number(r.stdout.slice(cut + 1)), body: r.stdout.slice(0, cut) };
  }

  async function tarFile(
    name: string,
    entries: { name: string; type?: 'file' | 'symlink' | 'link'; linkname?: string; body?: string }[],
  ): Promise<string> {
    const pack = tar.pack();
    for (const e of entries)
      pack.entry({ name: e.name, type: e.type ?? 'file', linkname: e.linkname, mode: 0o644 }, e.body ?? '');
    pack.finalize();
    const chunks: Buffer[] = [];
    for await (const c of pack as unknown as AsyncIterable<Buffer>) chunks.push(c);
    const file = join(work, name);
    writeFileSync(file, Buffer.concat(chunks));
    return file;
  }

  const hostUnchanged = (): void => {
    assert.deepEqual(readdirSync(host), ['secret.txt']);
    assert.equal(readFileSync(join(host, 'secret.txt'), 'utf8'), SECRET);
  };

  test(`${prefix}cp escapes: a container with links out of its root`, { skip }, async () => {
    t = target();
    host = mkdtempSync(join(tmpdir(), 'berth-escape-host-'));
    work = mkdtempSync(join(tmpdir(), 'berth-escape-work-'));
    writeFileSync(join(host, 'secret.txt'), SECRET);
    if (t.owner) for (const dir of [host, join(host, 'secret.txt'), work]) chownSync(dir, t.owner.uid, t.owner.gid);
    // The links are made by the container itself; /ready says they are there.
    const script = [
      'ln -s / /rootlink',
      `ln -s ${host} /abs`,
      `ln -s ../../../../../../../..${host} /climb`,
      'mkdir -p /w /real',
      'echo inside > /real/secret.txt',
      'touch /ready',
      'sleep 3600',
    ].join('; ');
    assert.equal((await d(['run', '-d', '--name', 'esc', 'busybox', 'sh', '-c', script])).code, 0);
    for (let i = 0; i < 100 && (await api('HEAD', '/containers/esc/archive?path=/ready')).status !== 200; i++)
      await new Promise((r) => setTimeout(r, 50));
  });

  after(async () => {
    if (!t) return;
    await d(['rm', '-f', 'esc', 'racer']).catch(() => undefined);
    rmSync(host, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });

  test(`${prefix}reads through absolute symlinks, climbs and links to / stay inside`, { skip }, async () => {
    for (const path of [
      '/abs/secret.txt',
      '/climb/secret.txt',
      `/rootlink${host}/secret.txt`,
      `/../../..${host}/secret.txt`,
      '/abs/',
      '/climb/.',
    ]) {
      const r = await api('GET', `/containers/esc/archive?path=${encodeURIComponent(path)}`);
      assert.equal(r.status, 404, `${path}: ${r.body}`);
      assert.ok(!r.body.includes(SECRET));
    }
    const inside = await api('GET', `/containers/esc/archive?path=${encodeURIComponent('/rootlink/real/secret.txt')}`);
    assert.equal(inside.status, 200);
    assert.match(inside.body, /inside/);
    // The link itself is reported, its target resolved in the container's terms.
    const head = execFileSync(
      'curl',
      ['-s', '-I', '--unix-socket', t.socketPath, 'http://x/containers/esc/archive?path=/abs'],
      { encoding: 'utf8' },
    );
    const stat = JSON.parse(
      Buffer.from(/X-Docker-Container-Path-Stat: (\S+)/i.exec(head)?.[1] ?? '', 'base64').toString(),
    ) as { linkTarget: string; name: string };
    assert.equal(stat.name, 'abs');
    assert.equal(stat.linkTarget, host);
    for (const cli of [d, (args: string[]) => t.berth(args)]) {
      const followed = await cli(['cp', '-L', 'esc:/abs', join(work, 'followed')]);
      assert.notEqual(followed.code, 0);
      assert.ok(!followed.stdout.includes(SECRET));
    }
    hostUnchanged();
  });

  test(`${prefix}writes through escaping paths and hostile tars stay inside`, { skip }, async () => {
    const plain = await tarFile('plain.tar', [{ name: 'pwned.txt', body: 'x' }]);
    for (const path of ['/abs', '/climb', `/rootlink${host}`]) {
      const r = await api('PUT', `/containers/esc/archive?path=${encodeURIComponent(path)}`, plain);
      assert.equal(r.status, 404, `${path}: ${r.body}`);
    }
    const climbing = await tarFile('climb.tar', [{ name: `../../../../../../..${host}/pwned.txt`, body: 'x' }]);
    assert.equal((await api('PUT', '/containers/esc/archive?path=/w', climbing)).status, 400);
    const hardlink = await tarFile('hardlink.tar', [
      { name: 'h', type: 'link', linkname: `../../../..${host}/secret.txt` },
    ]);
    assert.equal((await api('PUT', '/containers/esc/archive?path=/w', hardlink)).status, 400);
    // A symlink to the host directory, then a file "through" it: resolved inside the destination.
    const through = await tarFile('through.tar', [
      { name: 'evil', type: 'symlink', linkname: host },
      { name: 'evil/pwned.txt', body: 'x' },
    ]);
    const put = await api('PUT', '/containers/esc/archive?path=/w', through);
    assert.equal(put.status, 200, put.body);
    assert.equal(
      (await api('GET', `/containers/esc/archive?path=${encodeURIComponent(`/w${host}/pwned.txt`)}`)).status,
      200,
    );
    // Through the CLIs too (docker's client resolves the link and is told it does not exist).
    writeFileSync(join(work, 'pwned.txt'), 'x');
    for (const cli of [d, (args: string[]) => t.berth(args)])
      assert.notEqual((await cli(['cp', join(work, 'pwned.txt'), 'esc:/abs/'])).code, 0);
    hostUnchanged();
  });

  test(
    `${prefix}a path swapped between a directory and a symlink to the host during copies never escapes`,
    { skip },
    async () => {
      // Two swappers: a symlink flipping between an inside directory and the host's, and a directory replaced by a link.
      const script = [
        'mkdir -p /real',
        'echo inside > /real/secret.txt',
        'touch /ready',
        `{ while :; do ln -sfn ${host} /swap; ln -sfn /real /swap; done & }`,
        `while :; do rm -rf /d; mkdir /d; echo inside > /d/secret.txt; rm -rf /d; ln -s ${host} /d; done`,
      ].join('; ');
      // esc's last use is over: removed beside the racer's start rather than left running to the file's end.
      const [removed, started] = await Promise.all([
        d(['rm', '-f', 'esc']),
        d(['run', '-d', '--name', 'racer', 'busybox', 'sh', '-c', script]),
      ]);
      assert.equal(removed.code, 0, removed.stderr);
      assert.equal(started.code, 0, started.stderr);
      let ready = false;
      for (let i = 0; i < 100 && !ready; i++) {
        ready = (await api('HEAD', '/containers/racer/archive?path=/ready')).status === 200;
        if (!ready) await new Promise((r) => setTimeout(r, 50));
      }
      assert.ok(ready, 'the racer started');
      const upload = await tarFile('race.tar', [
        { name: 'pwned.txt', body: 'x' },
        { name: 'sub/pwned.txt', body: 'x' },
      ]);
      let reads = 0;
      for (let i = 0; i < (t.raceRounds ?? 25); i++) {
        for (const path of ['/swap/secret.txt', '/d/secret.txt', '/swap/', '/d/.']) {
          const r = await api('GET', `/containers/racer/archive?path=${encodeURIComponent(path)}`);
          assert.ok(!r.body.includes(SECRET), `read the host's file through ${path}`);
          if (r.status === 200) reads++;
        }
        for (const path of ['/swap', '/d', '/swap/sub', '/d/'])
          await api('PUT', `/containers/racer/archive?path=${encodeURIComponent(path)}`, upload);
      }
      assert.ok(reads > 0, 'some reads landed inside while the paths flipped');
      hostUnchanged();
      // Its swappers spin on a core: not left running for the rest of the file (the after hook is the fallback).
      assert.equal((await d(['rm', '-f', 'racer'])).code, 0);
    },
  );
}
