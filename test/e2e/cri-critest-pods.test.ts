// critest v1.26.1's pod specs ("PodSandbox", "Networking", "Multiple Containers", "Runtime info") on berthd and
// on containerd 1.6 side by side (test/helpers/critest-pair.ts): every spec containerd passes here, berthd passes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { isRoot } from '../helpers/daemon.js';
import { hasDockerRegistry } from '../helpers/docker-registry.js';
import { hasContainerd } from '../helpers/containerd.js';
import { CNI_BIN_DIR } from '../helpers/cni.js';
import { startCritestPair, type CritestPair } from '../helpers/critest-pair.js';

const skip =
  (!isRoot() && 'needs root') ||
  (!hasDockerRegistry() && 'needs docker-registry (scripts/setup.sh)') ||
  (!hasContainerd() && 'needs containerd (docker.io, scripts/setup.sh)') ||
  (!existsSync(`${CNI_BIN_DIR}/bridge`) && 'needs containernetworking-plugins (scripts/setup.sh)');
let pair: CritestPair;

before(async () => {
  if (!skip) pair = await startCritestPair();
});
after(async () => {
  await pair?.cleanup();
});

test('critest pod specs: berthd passes every spec containerd passes', { skip }, async () => {
  const r = await pair.run('PodSandbox|Networking|Multiple Containers|Runtime info');
  console.log(
    `critest pods: berthd ${r.berthd.passed.length} passed / ${r.berthd.failed.length} failed; ` +
      `containerd ${r.containerd.passed.length} passed / ${r.containerd.failed.length} failed`,
  );
  for (const [engine, o] of Object.entries(r)) for (const name of o.failed) console.log(`failed on ${engine}: ${name}`);
  assert.ok(r.containerd.passed.length > 0, r.containerd.summary);
  assert.deepEqual(
    r.containerd.passed.filter((name) => !r.berthd.passed.includes(name)),
    [],
    `passing on containerd, not on berthd:\n${r.berthd.summary}`,
  );
});
