// 1. `docker run --rm busybox true` end to end, against runc alone on a prepared bundle: runc spec's (the
// target's floor) and berthd's own for the same run (like for like).
import { alternate, repeat } from '../lib/runner.js';
import type { Engine } from '../engines/engine.js';
import { BUSYBOX, NO_NETWORK, docker } from './cli.js';
import { failed, type Workload } from './workload.js';
import { floorOnSpec } from '../lib/runc-floor.js';
import { berthRunSpec } from '../lib/engine-spec.js';
import type { Outcome } from '../lib/runner.js';

async function runTrue(engine: Engine): Promise<number> {
  const result = await docker(engine, ['run', '--rm', ...NO_NETWORK, BUSYBOX, 'true']);
  if (result.stdout !== '' || result.stderr !== '')
    throw new Error(`run printed output: ${(result.stdout + result.stderr).slice(0, 200)}`);
  return result.ms;
}

/** Once per engine: a container really runs (a daemon that skips the work must not post a fast time). */
async function checkRuns(engine: Engine): Promise<void> {
  const result = await docker(engine, ['run', '--rm', ...NO_NETWORK, BUSYBOX, 'sh', '-c', 'echo $((6*7))']);
  if (result.stdout !== '42\n')
    throw new Error(`run printed ${JSON.stringify(result.stdout.slice(0, 200))}, expected "42"`);
}

export const runLatency: Workload = {
  id: 'run-latency',
  title: '1. Run latency',
  notes: ['Both engines run with `--network none` until berth has networking (dockerd runs with `--bridge=none`).'],
  async run({ engines, floor, quick, signal, log }) {
    const sampler =
      (engine: Engine) =>
      async (index: number): Promise<number> => {
        if (index === -1 || (quick.warmup === 0 && index === 0)) await checkRuns(engine);
        return runTrue(engine);
      };
    const sides = await alternate(
      { berth: sampler(engines.berth), docker: sampler(engines.docker) },
      { ...quick, signal },
    );
    log(`run latency: berth ${sides.berth.kind}, docker ${sides.docker.kind}`);
    // The floor on two bundles of the same rootfs, alternating: runc spec's (the target's floor) and the one berthd
    // itself writes for this run (Docker's default spec, its seccomp profile included), like for like.
    let floorOutcome: Outcome = { kind: 'failed', error: 'runc bundle not prepared' };
    let engineSpecOutcome: Outcome = { kind: 'failed', error: 'runc bundle not prepared' };
    if (floor) {
      const engineSpecFloor = await berthRunSpec(engines.berth)
        .then((spec) => floorOnSpec(floor, spec, 'bench-floor-berth-spec'))
        .catch((error: unknown) => failed(error));
      if ('kind' in engineSpecFloor) {
        floorOutcome = await repeat((i) => floor.runOnce(i), { ...quick, signal });
        engineSpecOutcome = engineSpecFloor;
      } else {
        const floors = await alternate(
          { berth: (i) => floor.runOnce(i), docker: (i) => engineSpecFloor.runOnce(i) },
          { ...quick, signal },
        );
        floorOutcome = floors.berth;
        engineSpecOutcome = floors.docker;
      }
    }
    return [
      {
        id: 'run',
        metric: '`docker run --rm --network none busybox true`',
        unit: 'ms',
        ...sides,
        target: 0.33,
        // #18: within 3x of runc alone.
        floor: { outcome: floorOutcome, target: 3 },
        moreFloors: [
          {
            outcome: engineSpecOutcome,
            label: "`runc run` on berth's own bundle for this run: Docker's default spec with its seccomp profile",
          },
        ],
      },
    ];
  },
};
