// critest's runtime specs on berthd and on containerd 1.6 side by side: a loopback registry with the stand-ins
// (critest-standins.ts) as the only server of gcr.io and registry.k8s.io, each engine with a CNI network of its
// own (cni.ts), containerd's sandbox image a pause stand-in (catatonit, as berth's own). run() runs one focus on
// both at once and answers each spec's outcome from ginkgo's JSON report.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDaemon, type TestDaemon } from './daemon.js';
import { startRegistry, type TestRegistry } from './docker-registry.js';
import { startContainerd, type TestContainerd } from './containerd.js';
import { CNI_BIN_DIR, makeTestCni, type TestCni } from './cni.js';
import { PAUSE_STAND_IN, pushStandIns, registryHostsDir } from './critest-standins.js';
import { CRITEST, criSocketOf, requirePeer } from './cri.js';
import { run } from './run.js';

export interface SpecOutcomes {
  passed: string[];
  failed: string[];
  skipped: string[];
  /** critest's last lines, for a failure message. */
  summary: string;
}

export interface CritestPair {
  daemon: TestDaemon;
  containerd: TestContainerd;
  run(focus: string, skip?: string): Promise<{ berthd: SpecOutcomes; containerd: SpecOutcomes }>;
  cleanup(): Promise<void>;
}

interface GinkgoSpec {
  LeafNodeText: string;
  ContainerHierarchyTexts: string[] | null;
  State: string;
}

async function critest(socket: string, focus: string, skip: string | undefined, dir: string): Promise<SpecOutcomes> {
  const report = join(dir, `report-${Math.random().toString(16).slice(2)}.json`);
  const endpoint = `unix://${socket}`;
  const r = await run(
    CRITEST,
    [
      '--runtime-endpoint',
      endpoint,
      '--image-endpoint',
      endpoint,
      `--ginkgo.focus=${focus}`,
      ...(skip ? [`--ginkgo.skip=${skip}`] : []),
      '--ginkgo.no-color',
      `--ginkgo.json-report=${report}`,
    ],
    { timeoutMs: 280_000 },
  );
  const out: SpecOutcomes = { passed: [], failed: [], skipped: [], summary: r.stdout.slice(-3000) };
  let suites: { SpecReports: GinkgoSpec[] | null }[] = [];
  try {
    suites = JSON.parse(readFileSync(report, 'utf8')) as typeof suites;
  } catch {
    out.failed.push(`no report (critest exited ${r.code}): ${r.stderr.slice(-500)}`);
  }
  for (const spec of suites.flatMap((s) => s.SpecReports ?? [])) {
    if (!spec.LeafNodeText) continue;
    const name = [...(spec.ContainerHierarchyTexts ?? []), spec.LeafNodeText].join(' ');
    if (spec.State === 'passed') out.passed.push(name);
    else if (spec.State === 'skipped' || spec.State === 'pending') out.skipped.push(name);
    else out.failed.push(name);
  }
  return out;
}

export async function startCritestPair(): Promise<CritestPair> {
  requirePeer(CRITEST);
  const work = mkdtempSync(join(tmpdir(), 'berth-critest-'));
  const registry: TestRegistry = await startRegistry();
  const hostsDir = registryHostsDir(registry, ['gcr.io', 'registry.k8s.io']);
  const cniBerth: TestCni = makeTestCni('berthd');
  const cniContainerd: TestCni = makeTestCni('containerd');
  const [daemon, containerd] = await Promise.all([
    startDaemon({
      extraArgs: [
        '--registry-config-dir',
        hostsDir,
        '--blocked-registry',
        'gcr.io',
        '--blocked-registry',
        'registry.k8s.io',
        '--cni-conf-dir',
        cniBerth.confDir,
        '--cni-bin-dir',
        CNI_BIN_DIR,
      ],
    }),
    startContainerd({
      registryHostsDir: hostsDir,
      sandboxImage: PAUSE_STAND_IN,
      cni: { confDir: cniContainerd.confDir, binDir: CNI_BIN_DIR },
    }),
  ]);
  await pushStandIns(daemon, registry, { images: true, runtime: true, pause: true });
  return {
    daemon,
    containerd,
    async run(focus, skip) {
      const [b, c] = await Promise.all([
        critest(criSocketOf(daemon), focus, skip, work),
        critest(containerd.socketPath, focus, skip, work),
      ]);
      return { berthd: b, containerd: c };
    },
    async cleanup() {
      await Promise.all([daemon.cleanup(), containerd.cleanup(), registry.stop()]);
      cniBerth.cleanup();
      cniContainerd.cleanup();
      rmSync(hostsDir, { recursive: true, force: true });
      rmSync(work, { recursive: true, force: true });
    },
  };
}
