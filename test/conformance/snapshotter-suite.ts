// One suite, run against every snapshotter: layers stack, whiteouts and opaque dirs hide lower content,
// children protect parents, crash leftovers are cleaned, and hostile layers stay confined.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  mkdtempSync,
  rmSync,
  existsSync,
  readFileSync,
  readdirSync,
  mkdirSync,
  lstatSync,
  readlinkSync,
  writeFileSync,
} from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import tar from 'tar-stream';
import type { Snapshotter, Mount } from '../../src/core/snapshots/snapshotter.js';
import {
  hostileLayers,
  hostileTrees,
  makeVictim,
  assertVictimUntouched,
  ESCAPE_NAMES,
} from '../fixtures/hostile-tars.js';
import { testImages } from '../helpers/images.js';

type Factory = (root: string) => Snapshotter;

/** The layers of a docker-archive, in order. */
async function archiveLayers(path: string): Promise<Buffer[]> {
  const files = new Map<string, Buffer>();
  const extract = tar.extract();
  Readable.from(readFileSync(path)).pipe(extract);
  for await (const entry of extract) {
    const chunks: Buffer[] = [];
    for await (const c of entry) chunks.push(c as Buffer);
    files.set(entry.header.name.replace(/^\.\//, ''), Buffer.concat(chunks));
  }
  const manifest = JSON.parse(String(files.get('manifest.json'))) as { Layers: string[] }[];
  return (manifest[0]?.Layers ?? []).map((l) => files.get(l) as Buffer);
}

/** A layer tar from entries (tar-stream). */
async function packLayer(
  entries: { header: Partial<tar.Header> & { name: string }; body?: string }[],
): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (c: unknown) => void chunks.push(c as Buffer));
  const done = new Promise<void>((resolve, reject) => {
    pack.on('end', resolve);
    pack.on('error', reject);
  });
  for (const e of entries) pack.entry(e.header as tar.Header, e.body ?? '');
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

function mountAt(mounts: Mount[], target: string): void {
  const m = mounts[0] as Mount;
  if (m.type === 'bind') execFileSync('mount', ['--bind', m.source, target]);
  else execFileSync('mount', ['-t', 'overlay', 'overlay', '-o', m.options.join(','), target]);
}

export function snapshotterSuite(name: string, factory: Factory, skip: string | false): void {
  let dir = '';
  const fresh = (): Snapshotter => {
    dir = mkdtempSync(join(tmpdir(), `snap-${name}-`));
    return factory(join(dir, 'root'));
  };
  const cleanup = (): void => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  };

  test(`${name}: layers stack; whiteouts and opaque dirs hide lower files`, { skip }, async () => {
    const snaps = fresh();
    const merged = join(dir, 'merged');
    mkdirSync(merged);
    try {
      const layers = await archiveLayers((await testImages()).layered);
      let parent: string | undefined;
      for (const [i, layer] of layers.entries()) {
        await snaps.prepare(`extract-${i}`, parent);
        await snaps.applyLayer(`extract-${i}`, Readable.from(layer));
        await snaps.commit(`layer-${i}`, `extract-${i}`);
        parent = `layer-${i}`;
      }
      await snaps.prepare('ctr', parent);
      mountAt(await snaps.mounts('ctr'), merged);
      try {
        assert.deepEqual(readdirSync(join(merged, 'data')).sort(), ['keep', 'new']);
        assert.deepEqual(readdirSync(join(merged, 'opaque')), ['fresh']);
        assert.ok(existsSync(join(merged, 'bin/busybox')));
      } finally {
        execFileSync('umount', [merged]);
      }
      await assert.rejects(snaps.remove('layer-2'), /children/);
      assert.ok((await snaps.usage('layer-0')).size > 100_000);
      await snaps.remove('ctr');
      await snaps.remove('layer-2');
    } finally {
      cleanup();
    }
  });

  test(
    `${name}: modes, owners, mtimes, symlinks and hardlinks survive; a hardlink to a lower file is copied up`,
    { skip },
    async () => {
      const snaps = fresh();
      const merged = join(dir, 'merged');
      mkdirSync(merged);
      const mtime = new Date('2020-01-02T03:04:05Z');
      try {
        await snaps.prepare('x0', undefined);
        await snaps.applyLayer(
          'x0',
          Readable.from(
            await packLayer([
              { header: { name: 'etc/', type: 'directory', mode: 0o750, uid: 1000, gid: 1001, mtime } },
              {
                header: { name: 'etc/conf', type: 'file', mode: 0o4711, uid: 1000, gid: 1001, mtime, size: 6 },
                body: 'hello\n',
              },
              { header: { name: 'etc/alias', type: 'link', linkname: 'etc/conf' } },
              { header: { name: 'etc/sym', type: 'symlink', linkname: '/etc/conf', mtime } },
            ]),
          ),
        );
        await snaps.commit('l0', 'x0');
        await snaps.prepare('x1', 'l0');
        await snaps.applyLayer(
          'x1',
          Readable.from(
            await packLayer([{ header: { name: 'etc/lower-alias', type: 'link', linkname: '/etc/conf' } }]),
          ),
        );
        await snaps.commit('l1', 'x1');
        await snaps.prepare('view', 'l1');
        mountAt(await snaps.mounts('view'), merged);
        try {
          const conf = lstatSync(join(merged, 'etc/conf'));
          assert.equal(conf.mode & 0o7777, 0o4711);
          assert.equal(conf.uid, 1000);
          assert.equal(conf.gid, 1001);
          assert.equal(conf.mtimeMs, mtime.getTime());
          const etc = lstatSync(join(merged, 'etc'));
          assert.equal(etc.mode & 0o7777, 0o750);
          assert.equal(etc.uid, 1000);
          // etc/alias shares l0's inode; overlay's copy-up of etc/conf into l1 parts them, as it does in Docker.
          assert.equal(readFileSync(join(merged, 'etc/alias'), 'utf8'), 'hello\n');
          assert.equal(lstatSync(join(merged, 'etc/lower-alias')).ino, conf.ino);
          assert.equal(readlinkSync(join(merged, 'etc/sym')), '/etc/conf');
          assert.equal(readFileSync(join(merged, 'etc/lower-alias'), 'utf8'), 'hello\n');
          assert.equal(lstatSync(join(merged, 'etc/lower-alias')).mode & 0o7777, 0o4711);
        } finally {
          execFileSync('umount', [merged]);
        }
        await assert.rejects(snaps.remove('no-such-key'), (err: { kind?: string }) => err.kind === 'NotFound');
        assert.equal((await snaps.stat('l1')).parent, 'l0');
        assert.equal((await snaps.stat('view')).kind, 'active');
        await snaps.remove('view');
      } finally {
        cleanup();
      }
    },
  );

  test(
    `${name}: write-behind: asked about at once, recorded by then; removed at once; lost by a crash before it lands`,
    { skip },
    async () => {
      const snaps = fresh();
      const root = join(dir, 'root');
      const table = (): string[] =>
        Object.keys(JSON.parse(readFileSync(join(root, 'snapshots.json'), 'utf8')) as object);
      try {
        await snaps.prepare('x0', undefined);
        await snaps.applyLayer(
          'x0',
          Readable.from(await packLayer([{ header: { name: 'base', type: 'file', size: 5 }, body: 'base\n' }])),
        );
        await snaps.commit('l0', 'x0');
        const mounts = await snaps.prepare('behind', 'l0', { writeBehind: true });
        // Later calls about the key wait for its record: it is in the table file when they answer.
        assert.deepEqual(await snaps.mounts('behind'), mounts);
        assert.ok(table().includes('behind'));
        assert.equal((await snaps.stat('behind')).kind, 'active');
        // A removal asked for before the write landed is ordered after it.
        await snaps.prepare('gone', 'l0', { writeBehind: true });
        await snaps.remove('gone');
        assert.deepEqual((await snaps.list()).map((s) => s.key).sort(), ['behind', 'l0']);
        assert.equal(readdirSync(join(root, 'snapshots')).length, 2);
        // A crash before the write landed: the next instance never heard of it, and its cleanup drops the directory.
        const cut = factory(root);
        mkdirSync(join(root, 'snapshots', 'cut-off-before-its-write', 'fs'), { recursive: true });
        await cut.cleanup(new Set(['behind']));
        assert.equal(readdirSync(join(root, 'snapshots')).length, 2);
        await assert.rejects(cut.stat('cut-off'), (err: { kind?: string }) => err.kind === 'NotFound');
      } finally {
        cleanup();
      }
    },
  );

  test(`${name}: cleanup drops active snapshots nobody keeps`, { skip }, async () => {
    const snaps = fresh();
    try {
      await snaps.prepare('keep-me', undefined);
      await snaps.prepare('half-made', undefined);
      await snaps.cleanup(new Set(['keep-me']));
      assert.deepEqual(
        (await snaps.list()).map((s) => s.key),
        ['keep-me'],
      );
    } finally {
      cleanup();
    }
  });

  test(`${name}: after a crash, a new instance keeps committed layers and drops the half-made`, { skip }, async () => {
    const first = fresh();
    const root = join(dir, 'root');
    try {
      await first.prepare('x0', undefined);
      await first.applyLayer(
        'x0',
        Readable.from(await packLayer([{ header: { name: 'base', type: 'file', size: 5 }, body: 'base\n' }])),
      );
      await first.commit('l0', 'x0');
      await first.prepare('cut-off', 'l0');
      // A crash between creating a snapshot's directory and recording it leaves a directory nobody names.
      mkdirSync(join(root, 'snapshots', 'stray', 'fs'), { recursive: true });
      // And one during a metadata write leaves its temp file.
      writeFileSync(join(root, '.snapshots.json.0123abcd.tmp'), '{"half":');
      const second = factory(root);
      await second.cleanup(new Set());
      assert.deepEqual(
        (await second.list()).map((s) => [s.key, s.kind]),
        [['l0', 'committed']],
      );
      assert.equal(existsSync(join(root, 'snapshots', 'stray')), false);
      assert.deepEqual(
        readdirSync(root).filter((n) => n.endsWith('.tmp')),
        [],
      );
      assert.equal(readdirSync(join(root, 'snapshots')).length, 1);
      const [mount] = await second.mounts('l0');
      assert.equal(readFileSync(join(mount?.source ?? '', 'base'), 'utf8'), 'base\n');
      await assert.rejects(
        second.applyLayer('l0', Readable.from(Buffer.alloc(1024))),
        (err: { kind?: string }) => err.kind === 'InvalidArgument',
      );
    } finally {
      cleanup();
    }
  });

  test(`${name}: an opaque marker after entries of its own layer hides only the lower ones`, { skip }, async () => {
    const snaps = fresh();
    const merged = join(dir, 'merged');
    mkdirSync(merged);
    try {
      await snaps.prepare('x0', undefined);
      await snaps.applyLayer(
        'x0',
        Readable.from(await packLayer([{ header: { name: 'o/old/f', type: 'file', size: 1 }, body: 'o' }])),
      );
      await snaps.commit('l0', 'x0');
      await snaps.prepare('x1', 'l0');
      await snaps.applyLayer(
        'x1',
        Readable.from(
          await packLayer([
            { header: { name: 'o/sub/new', type: 'file', size: 1 }, body: 'n' },
            { header: { name: 'o/.wh..wh..opq', type: 'file', size: 0 } },
          ]),
        ),
      );
      await snaps.commit('l1', 'x1');
      await snaps.prepare('view', 'l1');
      mountAt(await snaps.mounts('view'), merged);
      try {
        assert.deepEqual(readdirSync(join(merged, 'o')), ['sub']);
        assert.equal(readFileSync(join(merged, 'o/sub/new'), 'utf8'), 'n');
      } finally {
        execFileSync('umount', [merged]);
      }
    } finally {
      cleanup();
    }
  });

  test(`${name}: hostile layers are refused or confined`, { skip }, async () => {
    const snaps = fresh();
    // A sentinel directory beside the snapshot root: anything escaping by a level or two lands here.
    const sentinel = join(dir, 'sentinel');
    mkdirSync(sentinel);
    const passwdBefore = readFileSync('/etc/passwd');
    try {
      for (const [i, hostile] of (await hostileLayers()).entries()) {
        const key = `hostile-${i}`;
        await snaps.prepare(key, undefined);
        const applied = snaps.applyLayer(key, Readable.from(hostile.layer));
        if (hostile.expect === 'refused') {
          await assert.rejects(applied, (err: Error & { kind?: string }) => {
            assert.equal(err.kind, 'InvalidArgument', `${hostile.name}: ${err.message}`);
            assert.match(err.message, hostile.message ?? /invalid layer/, hostile.name);
            return true;
          });
        } else {
          await applied;
          const [mount] = await snaps.mounts(key);
          assert.equal(mount?.type, 'bind', 'a snapshot without parent mounts its own tree');
          hostile.check?.(mount.source);
        }
        await snaps.remove(key);
      }
      for (const n of ESCAPE_NAMES) {
        assert.equal(existsSync(join(dir, n)), false, n);
        assert.equal(existsSync(join('/', n)), false, n);
      }
      assert.deepEqual(readdirSync(sentinel), []);
      assert.deepEqual(readdirSync(dir).sort(), ['root', 'sentinel']);
      assert.deepEqual(readFileSync('/etc/passwd'), passwdBefore);
    } finally {
      cleanup();
    }
  });
  test(
    `${name}: trees aimed at a host directory stay in the snapshot, on top of a lower layer too`,
    { skip },
    async () => {
      const snaps = fresh();
      const victim = makeVictim();
      try {
        await snaps.prepare('base-active', undefined);
        await snaps.applyLayer(
          'base-active',
          Readable.from(await packLayer([{ header: { name: 'x/keep', type: 'file', size: 1 }, body: 'k' }])),
        );
        await snaps.commit('base', 'base-active');
        for (const [i, hostile] of (await hostileTrees(victim.dir)).entries()) {
          for (const parent of [undefined, 'base']) {
            const key = `tree-${i}-${parent ?? 'none'}`;
            await snaps.prepare(key, parent);
            const applied = snaps.applyLayer(key, Readable.from(hostile.tar));
            if (hostile.expect === 'refused') await assert.rejects(applied, /invalid layer/, hostile.name);
            else await applied;
            assertVictimUntouched(victim.dir, hostile.name);
            await snaps.remove(key);
          }
        }
      } finally {
        victim.cleanup();
        cleanup();
      }
    },
  );
}
