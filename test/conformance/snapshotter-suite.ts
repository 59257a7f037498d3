// One suite, run against every snapshotter: layers stack, whiteouts and opaque dirs hide lower content,
// children protect parents, crash leftovers are cleaned, and hostile layers stay confined.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, existsSync, readFileSync, readdirSync, mkdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import tar from 'tar-stream';
import type { Snapshotter, Mount } from '../../src/core/snapshots/snapshotter.js';
import { hostileLayers, ESCAPE_NAMES } from '../fixtures/hostile-tars.js';
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

  test(`${name}: cleanup drops active snapshots nobody keeps`, { skip }, async () => {
    const snaps = fresh();
    try {
      await snaps.prepare('keep-me', undefined);
      await snaps.prepare('half-made', undefined);
      await snaps.cleanup(new Set(['keep-me']));
      assert.deepEqual((await snaps.list()).map((s) => s.key), ['keep-me']);
    } finally {
      cleanup();
    }
  });

  test(`${name}: hostile layers are refused or confined`, { skip }, async () => {
    const snaps = fresh();
    try {
      for (const [i, hostile] of (await hostileLayers()).entries()) {
        const key = `hostile-${i}`;
        await snaps.prepare(key, undefined);
        const applied = snaps.applyLayer(key, Readable.from(hostile.layer));
        if (hostile.expect === 'refused') await assert.rejects(applied, /invalid layer/, hostile.name);
        else await applied;
        await snaps.remove(key);
      }
      for (const n of ESCAPE_NAMES) {
        assert.equal(existsSync(join(dir, n)), false, n);
        assert.equal(existsSync(join('/', n)), false, n);
      }
      assert.doesNotMatch(readFileSync('/etc/passwd', 'utf8'), /pwned/);
    } finally {
      cleanup();
    }
  });
}
