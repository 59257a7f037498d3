// npm run bench: berth against Docker's engine, side by side, in one run. See bench/README.md.
import { mkdir, writeFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { loadavg } from 'node:os';
import { cleanupOnSignals, onCleanup, runCleanup } from './lib/cleanup.js';
import { exec } from './lib/exec.js';
import { prepareImages, type Images } from './lib/images.js';
import { machineFacts } from './lib/machine.js';
import { type ReportData, type WorkloadReport } from './lib/report.js';
import { renderReportFile } from './lib/render-file.js';
import { prepareRuncFloor, type RuncFloor } from './lib/runc-floor.js';
import { readSettings } from './lib/settings.js';
import { startBerthd } from './engines/berthd.js';
import { startDockerd } from './engines/dockerd.js';
import type { Engine } from './engines/engine.js';
import { docker } from './workloads/cli.js';
import type { Workload } from './workloads/workload.js';
import { memoryIdle, memoryIdleAfter, memoryPerContainer } from './workloads/memory.js';
import { runLatency } from './workloads/run-latency.js';
import { execLatency } from './workloads/exec-latency.js';
import { cliStartup } from './workloads/cli-startup.js';
import { ps } from './workloads/ps.js';
import { scale } from './workloads/scale.js';
import { lifecycle } from './workloads/lifecycle.js';
import { logs } from './workloads/logs.js';
import { loadSave } from './workloads/load-save.js';
import { registryServe } from './workloads/registry-serve.js';
import { registryPull } from './workloads/registry-pull.js';
import { network } from './workloads/network.js';
import { buildWorkload } from './workloads/build.js';
import { buildkitWorkload } from './workloads/buildkit.js';
import { criWorkload } from './workloads/cri.js';
import { rootlessWorkload } from './workloads/rootless.js';
import { composeWorkload } from './workloads/compose.js';
import { PhaseLog, summarizePhases } from './lib/phase-report.js';
import { burstWorkload } from './workloads/burst.js';
import { eventsWorkload } from './workloads/events.js';
import { idleCpuWorkload } from './workloads/idle-cpu.js';

// Idle memory first, while both daemons are fresh, and again at the end; the heavy ones last.
const WORKLOADS: Workload[] = [
  memoryIdle,
  runLatency,
  execLatency,
  cliStartup,
  ps,
  scale,
  burstWorkload,
  lifecycle,
  memoryPerContainer,
  idleCpuWorkload,
  eventsWorkload,
  logs,
  loadSave,
  registryServe,
  registryPull,
  network,
  buildWorkload,
  buildkitWorkload,
  criWorkload,
  rootlessWorkload,
  composeWorkload,
  memoryIdleAfter,
];

const BENCH_DIR = import.meta.dirname;
const REPO_ROOT = resolve(BENCH_DIR, '..');
const WORK = join(BENCH_DIR, '.work');
const log = (message: string): void => console.error(`bench: ${message}`);

async function loadBusybox(engine: Engine, images: Images): Promise<void> {
  const result = await docker(engine, ['load', '-i', images.busyboxTar], { timeoutMs: 120_000 });
  if (!result.stdout.includes('busybox:latest'))
    throw new Error(`load of busybox printed ${JSON.stringify(result.stdout)}`);
}

const abort = new AbortController();

async function main(): Promise<void> {
  cleanupOnSignals(abort);
  const started = performance.now();
  const settings = readSettings();
  const sha = (await exec('git', ['-C', REPO_ROOT, 'rev-parse', '--short', 'HEAD'])).stdout.trim() || 'unknown';
  const dirty = (await exec('git', ['-C', REPO_ROOT, 'status', '--porcelain', '--', 'src'])).stdout.trim() !== '';
  const machine = await machineFacts(REPO_ROOT, dirty ? `${sha}, built with uncommitted changes in src/` : sha);
  const scratch = join(WORK, 'run');
  await rm(scratch, { recursive: true, force: true });
  await mkdir(scratch, { recursive: true });
  onCleanup('scratch', () => rm(scratch, { recursive: true, force: true }));

  log('preparing images (busybox, and the 100 MiB image)');
  const images = await prepareImages(REPO_ROOT, join(WORK, 'images'));
  let floor: RuncFloor | undefined;
  try {
    floor = await prepareRuncFloor(images.busyboxTar, join(scratch, 'runc'));
  } catch (error) {
    log(`runc floor unavailable: ${(error as Error).message}`);
  }

  log('starting dockerd and berthd on their own roots');
  const dockerEngine = await startDockerd(join(WORK, 'docker'), machine.versions.dockerd ?? 'dockerd', abort.signal);
  const cpuProfileDir = join(BENCH_DIR, 'results', 'profiles', `${new Date().toISOString().slice(0, 10)}-${sha}`);
  if (settings.profile) await mkdir(cpuProfileDir, { recursive: true });
  const berthEngine = await startBerthd(
    REPO_ROOT,
    join(WORK, 'berth'),
    `berthd ${machine.versions.berth}`,
    abort.signal,
    undefined,
    settings.profile ? { cpuProfileDir } : undefined,
  );
  await loadBusybox(dockerEngine, images);
  let berthLoadError: string | undefined;
  try {
    await loadBusybox(berthEngine, images);
  } catch (error) {
    berthLoadError = (error as Error).message;
    log(`berth could not load busybox: ${berthLoadError}`);
  }

  const phaseLog = settings.profile && berthEngine.logFile ? new PhaseLog(berthEngine.logFile) : undefined;
  await phaseLog?.skipToEnd();
  const reports: WorkloadReport[] = [];
  for (const workload of WORKLOADS) {
    if (settings.only.length > 0 && !settings.only.includes(workload.id)) continue;
    log(`workload ${workload.title}`);
    const t0 = performance.now();
    try {
      const rows = await workload.run({
        engines: { berth: berthEngine, docker: dockerEngine },
        images,
        repoRoot: REPO_ROOT,
        scratch,
        floor,
        quick: settings.quick,
        heavy: settings.heavy,
        signal: abort.signal,
        log,
      });
      const phases = phaseLog ? summarizePhases(await phaseLog.sinceLast()) : undefined;
      reports.push({ workload, rows, ...(phases ? { phases } : {}) });
    } catch (error) {
      if (abort.signal.aborted) throw error;
      await phaseLog?.sinceLast();
      reports.push({ workload, rows: [], error: (error as Error).message });
    }
    log(`  done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }

  log('stopping both daemons and cleaning up');
  await runCleanup();
  const date = new Date();
  const data: ReportData = {
    date: date.toISOString(),
    gitSha: sha,
    machine,
    ...settings,
    seconds: (performance.now() - started) / 1000,
    workloads: reports.map(({ workload, ...rest }) => ({
      workload: { id: workload.id, title: workload.title, notes: workload.notes },
      ...rest,
    })),
    loadAtEnd: loadavg()[0]!,
    ...(berthLoadError ? { trailer: `\nberth could not load busybox: ${berthLoadError}\n` } : {}),
  };
  const results = join(BENCH_DIR, 'results');
  await mkdir(results, { recursive: true });
  const name = `${date.toISOString().slice(0, 10)}-${sha}`;
  // The measurements beside the report: `npm run bench:render` renders it again after bench/why.json changes.
  await writeFile(join(results, `${name}.json`), JSON.stringify(data, null, 1) + '\n');
  const report = await renderReportFile(join(results, `${name}.json`), { latest: true });
  console.log(report);
  log(`report written to bench/results/${name}.md and bench/results/latest.md (data: ${name}.json)`);
  if (settings.profile) log(`berthd's CPU profile (open in Chrome DevTools): ${cpuProfileDir}`);
}

main().catch(async (error: unknown) => {
  if (abort.signal.aborted) return; // the signal handler cleans up and exits
  console.error(`bench: ${(error as Error).stack ?? String(error)}`);
  await runCleanup();
  process.exit(1);
});
