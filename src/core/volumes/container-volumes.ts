// Which volumes a container mounts, and where: decided once at create (volumes are created or adopted then,
// anonymous ones named), kept as the record's mount points, and turned into host binds at every start.
// Precedence as Docker's: --volumes-from first, then binds and --mount over the same destination, then the
// image's (and `-v /path`'s) VOLUME entries where nothing is mounted yet.
import { posix } from 'node:path';
import { invalidArgument } from '../errdefs.js';
import type { PlannedMount } from '../containers/mount-specs.js';
import type { MountPoint } from '../../spec/docker/containers.js';

export interface VolumeNeed {
  name: string;
  anonymous: boolean;
  driverOptions: Record<string, string>;
  labels: Record<string, string>;
}

export interface VolumesFromSource {
  /** As given: `container[:ro|:rw]`. */
  spec: string;
  mounts: MountPoint[];
}

export interface PlanInput {
  planned: PlannedMount[];
  /** Config.Volumes keys: the image's VOLUME entries and `-v /path` as the docker CLI sends it. */
  configVolumes: string[];
  volumesFrom: VolumesFromSource[];
  newName: () => string;
  dataPath: (name: string) => string;
}

/** `container[:ro|:rw]` of --volumes-from. */
export function parseVolumesFrom(spec: string): { container: string; mode: '' | 'ro' | 'rw' } {
  const [container = '', mode = '', ...rest] = spec.split(':');
  if (!container || rest.length || !['', 'ro', 'rw'].includes(mode))
    throw invalidArgument(`invalid mode: ${mode || spec}`);
  return { container, mode: mode as '' | 'ro' | 'rw' };
}

export function planContainerVolumes(input: PlanInput): { points: MountPoint[]; needs: VolumeNeed[] } {
  const byDest = new Map<string, MountPoint>();
  const needs = new Map<string, VolumeNeed>();
  const need = (name: string, anonymous: boolean, m?: PlannedMount): void => {
    if (!needs.has(name))
      needs.set(name, {
        name,
        anonymous,
        driverOptions: m?.volumeOptions?.driverOptions ?? {},
        labels: m?.volumeOptions?.labels ?? {},
      });
  };
  for (const from of input.volumesFrom) {
    const { mode } = parseVolumesFrom(from.spec);
    for (const m of from.mounts) {
      if (m.Type !== 'volume' && m.Type !== 'bind') continue;
      const rw = mode === '' ? m.RW : mode === 'rw';
      byDest.set(m.Destination, { ...m, RW: rw, Mode: mode || m.Mode });
      if (m.Type === 'volume' && m.Name) need(m.Name, false);
    }
  }
  for (const m of input.planned) {
    if (m.type !== 'volume') {
      byDest.set(m.destination, m.point);
      continue;
    }
    const anonymous = m.source === '';
    const name = anonymous ? input.newName() : m.source;
    need(name, anonymous, m);
    byDest.set(m.destination, { ...m.point, Name: name, Source: input.dataPath(name) });
  }
  for (const raw of input.configVolumes) {
    const dest = posix.normalize(raw).replace(/(.)\/$/, '$1');
    if (byDest.has(dest)) continue;
    const name = input.newName();
    need(name, true);
    byDest.set(dest, {
      Type: 'volume',
      Name: name,
      Source: input.dataPath(name),
      Destination: dest,
      Driver: 'local',
      Mode: '',
      RW: true,
      Propagation: '',
    });
  }
  return { points: [...byDest.values()], needs: [...needs.values()] };
}

const depth = (p: string): number => p.split('/').filter(Boolean).length;

/**
 * The mounts to start with: tmpfs and binds as planned from the host config, volumes (and what
 * --volumes-from brought) from the record's points as binds of their data directory. Parents before children.
 */
export function startMounts(
  planned: PlannedMount[],
  points: MountPoint[],
  options: { copyUp: boolean },
): PlannedMount[] {
  const plannedByDest = new Map(planned.map((m) => [m.destination, m]));
  const out: PlannedMount[] = planned.filter((m) => m.type === 'tmpfs');
  for (const p of points) {
    const plan = plannedByDest.get(p.Destination);
    if (p.Type === 'volume') {
      const noCopy = plan?.type === 'volume' ? (plan.noCopy ?? false) : false;
      out.push({
        type: 'bind',
        source: p.Source,
        destination: p.Destination,
        readOnly: !p.RW,
        options: ['rprivate'],
        createSource: false,
        copyUp: options.copyUp && !noCopy,
        point: p,
      });
    } else if (p.Type === 'bind') {
      out.push(
        plan?.type === 'bind'
          ? plan
          : {
              type: 'bind',
              source: p.Source,
              destination: p.Destination,
              readOnly: !p.RW,
              options: [p.Propagation || 'rprivate'],
              createSource: false,
              point: p,
            },
      );
    }
  }
  return out.sort((a, b) => depth(a.destination) - depth(b.destination));
}

/** Names of the volumes a container's mount points use. */
export const volumeNames = (points: MountPoint[]): string[] =>
  points.filter((p) => p.Type === 'volume' && p.Name).map((p) => p.Name as string);
