// A project's networks and volumes on the engine: made when missing (with Compose's labels), checked when external.
import { ApiError, type EngineClient } from '../client/engine-client.js';
import { ComposeError } from './errors.js';
import { LABEL } from './labels.js';
import type { NetworkConfig, Project, VolumeConfig } from './model.js';
import type { Progress } from './progress.js';

const notFound = (err: unknown): boolean => err instanceof ApiError && err.status === 404;

async function networkExists(client: EngineClient, name: string): Promise<boolean> {
  // `name` filters match substrings: look for the exact name.
  const found = await client.networks.list({ filters: JSON.stringify({ name: [name] }) });
  return found.some((n) => n.Name === name);
}

async function ensureNetwork(
  client: EngineClient,
  project: Project,
  key: string,
  net: NetworkConfig,
  version: string,
  progress: Progress,
): Promise<void> {
  if (await networkExists(client, net.name)) return;
  if (net.external) throw new ComposeError(`network ${net.name} declared as external, but could not be found`);
  progress('Network', net.name, 'Creating');
  await client.networks.create({
    Name: net.name,
    ...(net.driver ? { Driver: net.driver } : {}),
    Internal: net.internal,
    Attachable: net.attachable,
    ...(net.enableIpv6 !== undefined ? { EnableIPv6: net.enableIpv6 } : {}),
    Options: net.driverOpts,
    Labels: { ...net.labels, [LABEL.project]: project.name, [LABEL.network]: key, [LABEL.version]: version },
    ...(net.ipam
      ? {
          IPAM: {
            ...(net.ipam.driver ? { Driver: net.ipam.driver } : {}),
            Config: net.ipam.config.map((c) => ({
              ...(c.subnet ? { Subnet: c.subnet } : {}),
              ...(c.gateway ? { Gateway: c.gateway } : {}),
              ...(c.ipRange ? { IPRange: c.ipRange } : {}),
            })),
          },
        }
      : {}),
  });
  progress('Network', net.name, 'Created');
}

async function ensureVolume(
  client: EngineClient,
  project: Project,
  key: string,
  vol: VolumeConfig,
  version: string,
  progress: Progress,
): Promise<void> {
  try {
    await client.volumes.inspect(vol.name);
    return;
  } catch (err) {
    if (!notFound(err)) throw err;
  }
  if (vol.external) throw new ComposeError(`external volume "${vol.name}" not found`);
  progress('Volume', vol.name, 'Creating');
  await client.volumes.create({
    Name: vol.name,
    ...(vol.driver ? { Driver: vol.driver } : {}),
    DriverOpts: vol.driverOpts,
    Labels: { ...vol.labels, [LABEL.project]: project.name, [LABEL.volume]: key, [LABEL.version]: version },
  });
  progress('Volume', vol.name, 'Created');
}

/** The networks the project's services use and every volume it declares, made or checked. */
export async function ensureResources(
  client: EngineClient,
  project: Project,
  version: string,
  progress: Progress,
): Promise<void> {
  const used = new Set(Object.values(project.services).flatMap((s) => Object.keys(s.networks)));
  for (const [key, net] of Object.entries(project.networks))
    if (used.has(key)) await ensureNetwork(client, project, key, net, version, progress);
  for (const [key, vol] of Object.entries(project.volumes))
    await ensureVolume(client, project, key, vol, version, progress);
}

/** The project's own networks (external ones are left alone), removed when they exist. */
export async function removeNetworks(client: EngineClient, project: Project, progress: Progress): Promise<void> {
  for (const net of Object.values(project.networks)) {
    if (net.external) continue;
    const found = await client.networks.list({
      filters: JSON.stringify({ name: [net.name], label: [`${LABEL.project}=${project.name}`] }),
    });
    for (const n of found.filter((x) => x.Name === net.name)) {
      progress('Network', net.name, 'Removing');
      await removeNetwork(client, n.Id ?? net.name);
      progress('Network', net.name, 'Removed');
    }
  }
}

const stillInUse = (err: unknown): boolean =>
  err instanceof ApiError && err.status === 403 && /has active endpoints/.test(err.message);
const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Docker's engine can answer a network removal right after its last container's removal with "has active
 * endpoints": it releases the endpoint after the removal has returned (moby#17217, seen on dockerd 20.10 with ten
 * containers removed at once). Asked again a little later, it succeeds; a network still in use after ~3 s is an error.
 */
async function removeNetwork(client: EngineClient, id: string): Promise<void> {
  for (let delayMs = 50; ; delayMs *= 2) {
    try {
      await client.networks.remove(id);
      return;
    } catch (err) {
      if (!stillInUse(err) || delayMs > 2_000) throw err;
      await pause(delayMs);
    }
  }
}

/** The project's own named volumes (external ones are left alone), removed when they exist. */
export async function removeVolumes(client: EngineClient, project: Project, progress: Progress): Promise<void> {
  for (const vol of Object.values(project.volumes)) {
    if (vol.external) continue;
    try {
      const found = await client.volumes.inspect(vol.name);
      if (found.Labels?.[LABEL.project] !== project.name) continue;
    } catch (err) {
      if (notFound(err)) continue;
      throw err;
    }
    progress('Volume', vol.name, 'Removing');
    await client.volumes.remove(vol.name);
    progress('Volume', vol.name, 'Removed');
  }
}
