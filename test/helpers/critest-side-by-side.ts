// The critest side-by-side test (critest-pair.ts) as the e2e files register it: what it needs, what it leaves
// out, and the assertion: every spec containerd passes here, berthd must pass. Two files share the specs
// (cri-critest.test.ts, cri-critest-security.test.ts), each with its own pair, so that each stays well inside
// the test runner's per-file timeout on a loaded machine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { isRoot } from './daemon.js';
import { hasDockerRegistry } from './docker-registry.js';
import { hasContainerd } from './containerd.js';
import { CNI_BIN_DIR } from './cni.js';
import type { CritestPair } from './critest-pair.js';

export const critestSkip =
  (!isRoot() && 'needs root') ||
  (!hasDockerRegistry() && 'needs docker-registry (scripts/setup.sh)') ||
  (!hasContainerd() && 'needs containerd (docker.io, scripts/setup.sh)') ||
  (!existsSync(`${CNI_BIN_DIR}/bridge`) && 'needs containernetworking-plugins (scripts/setup.sh)');

/**
 * Left out on both engines: critest's benchmarks (always skipped) and the pull by upstream digest (needs the real
 * image, as on containerd offline).
 */
export const NOT_RUN = ['benchmark', 'public image with digest'];

/** The test: `focus` (minus NOT_RUN and `skip`) on both engines, compared spec by spec. */
export function critestSideBySide(name: string, pair: () => CritestPair, focus: string, skip: string[] = []): void {
  test(`critest ${name}: berthd passes every spec containerd passes`, { skip: critestSkip }, async () => {
    const r = await pair().run(focus, [...NOT_RUN, ...skip].join('|'));
    console.log(
      `critest ${name}: berthd ${r.berthd.passed.length} passed / ${r.berthd.failed.length} failed; ` +
        `containerd ${r.containerd.passed.length} passed / ${r.containerd.failed.length} failed`,
    );
    for (const [engine, o] of Object.entries(r))
      for (const spec of o.failed) console.log(`failed on ${engine}: ${spec}`);
    assert.ok(r.containerd.passed.length > 0, r.containerd.summary);
    assert.deepEqual(
      r.containerd.passed.filter((spec) => !r.berthd.passed.includes(spec)),
      [],
      `passing on containerd, not on berthd:\n${r.berthd.summary}`,
    );
  });
}
