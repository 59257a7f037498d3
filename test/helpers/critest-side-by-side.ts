// One critest spec group run on berthd and on containerd 1.6 side by side (critest-pair.ts), as a test of its
// own file: every spec containerd passes here, berthd must pass. Each group has a file so that they run in
// parallel.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { isRoot } from './daemon.js';
import { hasDockerRegistry } from './docker-registry.js';
import { hasContainerd } from './containerd.js';
import { CNI_BIN_DIR } from './cni.js';
import { startCritestPair, type CritestPair } from './critest-pair.js';

const skip =
  (!isRoot() && 'needs root') ||
  (!hasDockerRegistry() && 'needs docker-registry (scripts/setup.sh)') ||
  (!hasContainerd() && 'needs containerd (docker.io, scripts/setup.sh)') ||
  (!existsSync(`${CNI_BIN_DIR}/bridge`) && 'needs containernetworking-plugins (scripts/setup.sh)');

/** Registers the group's test: `name` in its title and log, `focus` and `skipSpecs` as critest's regexps. */
export function critestSideBySide(name: string, focus: string, skipSpecs?: string): void {
  let pair: CritestPair | undefined;
  before(async () => {
    if (!skip) pair = await startCritestPair();
  });
  after(async () => {
    await pair?.cleanup();
  });
  test(`critest ${name} specs: berthd passes every spec containerd passes`, { skip }, async () => {
    const r = await pair!.run(focus, skipSpecs);
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
