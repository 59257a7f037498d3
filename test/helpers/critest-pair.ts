// critest's specs on berthd and on containerd 1.6 side by side: a loopback registry with the stand-ins
// (critest-standins.ts) as the only server of gcr.io and registry.k8s.io, each engine with a CNI network of its
// own (cni.ts), containerd's sandbox image a pause stand-in (catatonit, as berth's own). run() lists the specs a
// focus selects (critest's dry run), deals them out to a few critest processes per engine, all running at once
// against the same two daemons (critest's specs are made to run in parallel: containerd's CI runs them so), and
// answers each spec's outcome from ginkgo's JSON reports.
import { execFileSync } from 'node:child_process';
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
  /** The loopback registry with the stand-ins, and the registry hosts directory both engines read. */
  registry: TestRegistry;
  hostsDir: string;
  /** Every spec `focus` selects and `skip` does not, in `shards` critest processes per engine. */
  run(focus: string, skip?: string, shards?: number): Promise<{ berthd: SpecOutcomes; containerd: SpecOutcomes }>;
  cleanup(): Promise<void>;
}

interface GinkgoSpec {
  LeafNodeText: string;
  ContainerHierarchyTexts: string[] | null;
  State: string;
}

const specName = (spec: GinkgoSpec): string => [...(spec.ContainerHierarchyTexts ?? []), spec.LeafNodeText].join(' ');

/** critest with ginkgo's focus and skip, its JSON report read back (no report: `undefined`, and why). */
async function critest(
  socket: string,
  filter: string[],
  dir: string,
): Promise<{ specs?: GinkgoSpec[]; stdout: string; error: string }> {
  const report = join(dir, `report-${Math.random().toString(16).slice(2)}.json`);
  const endpoint = `unix://${socket}`;
  const r = await run(
    CRITEST,
    [
      '--runtime-endpoint',
      endpoint,
      '--image-endpoint',
      endpoint,
      ...filter,
      '--ginkgo.no-color',
      `--ginkgo.json-report=${report}`,
    ],
    { timeoutMs: 280_000 },
  );
  try {
    const suites = JSON.parse(readFileSync(report, 'utf8')) as { SpecReports: GinkgoSpec[] | null }[];
    return {
      specs: suites.flatMap((s) => s.SpecReports ?? []).filter((s) => s.LeafNodeText),
      stdout: r.stdout,
      error: '',
    };
  } catch {
    return { stdout: r.stdout, error: `no report (critest exited ${r.code}): ${r.stderr.slice(-500)}` };
  }
}

/** The specs critest would run: a dry run, which contacts no engine. */
async function selectedSpecs(focus: string, skip: string | undefined, dir: string): Promise<string[]> {
  const filter = [`--ginkgo.focus=${focus}`, ...(skip ? [`--ginkgo.skip=${skip}`] : []), '--ginkgo.dry-run'];
  const r = await critest('/nonexistent', filter, dir);
  if (!r.specs) throw new Error(`critest dry run: ${r.error}`);
  return r.specs.filter((s) => s.State === 'passed').map(specName);
}

/** A focus selecting exactly these specs: each name literal (`\\Q…\\E`, RE2) at the end of ginkgo's spec text. */
const exactly = (names: string[]): string => names.map((name) => `\\Q${name}\\E$`).join('|');

/**
 * Groups whose specs share state and must run one after another in one process: the Image Manager specs pull
 * and remove the same images (test-image-tags:1, 2 and 3 are one image) and count what the engine lists.
 */
const SERIAL_GROUPS = ['[k8s.io] Image Manager '];

/**
 * Specs that use fixed ports on the host (critest's port forward listens on localhost:12001 and 12002, its
 * host-network web server on 12003): run on one engine at a time, else the two engines' runs take each other's
 * ports. Each engine runs them in one process, berthd after its other specs, containerd before its own, one
 * engine's turn never overlapping the other's.
 */
const ONE_ENGINE_AT_A_TIME = ['support portforward'];

/** The specs dealt out to `shards` lists: serial groups whole, the rest one by one, each to the shortest list. */
function deal(names: string[], shards: number): string[][] {
  const units: string[][] = SERIAL_GROUPS.map((group) => names.filter((name) => name.startsWith(group)));
  for (const name of names) if (!SERIAL_GROUPS.some((group) => name.startsWith(group))) units.push([name]);
  const dealt: string[][] = Array.from({ length: shards }, () => []);
  for (const unit of units.filter((u) => u.length > 0)) {
    const shortest = dealt.reduce((a, b) => (b.length < a.length ? b : a));
    shortest.push(...unit);
  }
  return dealt.filter((list) => list.length > 0);
}

/** Outcomes of two runs on one engine, together. */
const merged = (a: SpecOutcomes, b: SpecOutcomes): SpecOutcomes => ({
  passed: [...a.passed, ...b.passed],
  failed: [...a.failed, ...b.failed],
  skipped: [...a.skipped, ...b.skipped],
  summary: a.summary + b.summary,
});

/** One engine's outcomes over all shards; a spec dealt out but in no report counts as failed. */
async function critestShards(socket: string, shards: string[][], dir: string): Promise<SpecOutcomes> {
  const out: SpecOutcomes = { passed: [], failed: [], skipped: [], summary: '' };
  const results = await Promise.all(shards.map((names) => critest(socket, [`--ginkgo.focus=${exactly(names)}`], dir)));
  results.forEach((r, i) => {
    out.summary += r.error || r.stdout.slice(-1500);
    const seen = new Set<string>();
    for (const spec of r.specs ?? []) {
      const name = specName(spec);
      if (spec.State === 'skipped' && !shards[i]!.includes(name)) continue;
      seen.add(name);
      if (spec.State === 'passed') out.passed.push(name);
      else if (spec.State === 'skipped' || spec.State === 'pending') out.skipped.push(name);
      else out.failed.push(name);
    }
    for (const name of shards[i]!) if (!seen.has(name)) out.failed.push(`${name} (not in the report)`);
  });
  return out;
}

/** `imageStandIns: false` leaves out the Image Manager specs' images (13 builds) for a pair that runs none. */
export async function startCritestPair(options: { imageStandIns?: boolean } = {}): Promise<CritestPair> {
  requirePeer(CRITEST);
  const work = mkdtempSync(join(tmpdir(), 'berth-critest-'));
  const registry: TestRegistry = await startRegistry();
  const hostsDir = registryHostsDir(registry, ['gcr.io', 'registry.k8s.io', 'quay.io']);
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
        '--blocked-registry',
        'quay.io',
        // Blocked and not mirrored: never contacted at all.
        '--blocked-registry',
        'ghcr.io',
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
  await pushStandIns(daemon, registry, { images: options.imageStandIns ?? true, runtime: true, pause: true });
  return {
    daemon,
    containerd,
    registry,
    hostsDir,
    async run(focus, skip, shards = 4) {
      const names = await selectedSpecs(focus, skip, work);
      const inTurn = names.filter((name) => ONE_ENGINE_AT_A_TIME.some((part) => name.includes(part)));
      const dealt = deal(
        names.filter((name) => !inTurn.includes(name)),
        shards,
      );
      const none: SpecOutcomes = { passed: [], failed: [], skipped: [], summary: '' };
      let turn: Promise<unknown> = Promise.resolve();
      const ownTurn = (socket: string): Promise<SpecOutcomes> => {
        const run = turn.then(() => (inTurn.length ? critestShards(socket, [inTurn], work) : none));
        turn = run;
        return run;
      };
      const [b, c] = await Promise.all([
        critestShards(criSocketOf(daemon), dealt, work).then(async (main) =>
          merged(main, await ownTurn(criSocketOf(daemon))),
        ),
        ownTurn(containerd.socketPath).then(async (own) =>
          merged(own, await critestShards(containerd.socketPath, dealt, work)),
        ),
      ]);
      return { berthd: b, containerd: c };
    },
    async cleanup() {
      await Promise.all([daemon.cleanup(), containerd.cleanup(), registry.stop()]);
      // A connection critest left to a pod (its HTTP checks on port 80) outlives the pod: the host keeps resending
      // its FIN, and once the bridge is gone the route to the subnet with it, so a resend left by the default route
      // (seen in captures: one packet on eth0 per run). Destroyed here, before the bridges go.
      for (const cni of [cniBerth, cniContainerd]) {
        try {
          execFileSync('ss', ['-K', 'dst', cni.subnet], { stdio: 'ignore' });
        } catch {
          // No ss, or a kernel without socket destroy: the resend stays possible, nothing else changes.
        }
      }
      cniBerth.cleanup();
      cniContainerd.cleanup();
      rmSync(hostsDir, { recursive: true, force: true });
      rmSync(work, { recursive: true, force: true });
    },
  };
}
