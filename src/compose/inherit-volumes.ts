// Recreation keeps a container's anonymous volumes (as Docker Compose v2 does): each anonymous volume the old
// container mounts at a target that is still an anonymous volume target in the new configuration is mounted by name
// in the new container, and not removed with the old one. The old container's other anonymous volumes go.
import { ApiError, type EngineClient } from '../client/engine-client.js';
import type { ContainerPlan } from './container-spec.js';

/** An engine-made anonymous volume's name (64 hex digits); named volumes of a project never look like this. */
const ANONYMOUS_NAME = /^[0-9a-f]{64}$/;

/** The container's anonymous volumes by target (volume mounts whose name is not one of `declared`). */
export async function anonymousVolumesOf(
  client: EngineClient,
  id: string,
  declared: ReadonlySet<string>,
): Promise<Map<string, string>> {
  const info = await client.containers.inspect(id);
  const out = new Map<string, string>();
  for (const m of info.Mounts ?? [])
    if (m.Type === 'volume' && m.Name && m.Destination && ANONYMOUS_NAME.test(m.Name) && !declared.has(m.Name))
      out.set(m.Destination, m.Name);
  return out;
}

/** The plan with `old`'s anonymous volumes mounted by name where it still asks for an anonymous one; their names. */
export function inheritAnonymousVolumes(
  plan: ContainerPlan,
  old: ReadonlyMap<string, string>,
): { plan: ContainerPlan; reused: Set<string> } {
  const wanted = { ...(plan.body.Volumes ?? {}) };
  const mounts = [...(plan.body.HostConfig?.Mounts ?? [])];
  const reused = new Set<string>();
  for (const [target, name] of old) {
    if (!(target in wanted)) continue;
    delete wanted[target];
    mounts.push({ Type: 'volume', Source: name, Target: target });
    reused.add(name);
  }
  if (reused.size === 0) return { plan, reused };
  const { Volumes: _dropped, ...rest } = plan.body;
  const body = {
    ...rest,
    ...(Object.keys(wanted).length ? { Volumes: wanted } : {}),
    HostConfig: { ...plan.body.HostConfig, Mounts: mounts },
  };
  return { plan: { ...plan, body }, reused };
}

/** Remove these volumes, leaving those already gone (404) or still used by another container (409). */
export async function removeVolumesQuietly(client: EngineClient, names: Iterable<string>): Promise<void> {
  for (const name of names) {
    try {
      await client.volumes.remove(name);
    } catch (err) {
      if (!(err instanceof ApiError && (err.status === 404 || err.status === 409))) throw err;
    }
  }
}
