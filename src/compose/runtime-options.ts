// A service's logging, devices and deploy.resources, read as Docker Compose v2 reads them (compose-go's device
// transform, compose's getDeployResources): each absent from the model when the file has none, so a file without
// them keeps its config hash.
import { ComposeError } from './errors.js';
import type { DeviceMapping, Logging, Resources } from './model.js';
import { parseBytes, scalarText, tree } from './syntax.js';

/** `logging: {driver, options}`: option values as text (a null one as empty), as compose-go's mapping does. */
export function loggingOf(raw: unknown): Logging | undefined {
  if (raw === undefined) return undefined;
  const l = tree(raw);
  const options = Object.fromEntries(
    Object.entries(tree(l.options)).map(([k, v]) => [k, v === null || v === undefined ? '' : scalarText(v)]),
  );
  return { ...(typeof l.driver === 'string' ? { driver: l.driver } : {}), options };
}

/** `devices`: `SRC[:DST[:PERMS]]` (DST defaults to SRC, PERMS to rwm) or `{source, target, permissions}`. */
export function devicesOf(raw: unknown, where: string): DeviceMapping[] | undefined {
  if (!Array.isArray(raw)) return undefined;
  return raw.map((d: unknown, i) => {
    let device: DeviceMapping;
    if (typeof d === 'string') {
      const parts = d.split(':');
      if (parts.length > 3) throw new ComposeError(`confusing device mapping, please use long syntax: ${d}`);
      const [source = '', target, permissions] = parts;
      device = { source, target: target || source, permissions: permissions ?? 'rwm' };
    } else {
      const t = tree(d);
      const source = typeof t.source === 'string' ? t.source : '';
      // Compose v2 sends the long syntax's fields as given; an empty target or permissions would make the engine
      // guess, so they take the short syntax's defaults.
      device = {
        source,
        target: typeof t.target === 'string' && t.target ? t.target : source,
        permissions: typeof t.permissions === 'string' && t.permissions ? t.permissions : 'rwm',
      };
    }
    // A CDI name (vendor.com/class=name) is a device request to the engine's CDI driver, which berth does not have.
    if (device.source === device.target && /^[^/=]+\/[^=]+=.+$/.test(device.source))
      throw new ComposeError(
        `${where}.devices[${i}]: CDI device ${device.source} is not supported by berth compose yet`,
      );
    return device;
  });
}

/** A CPU count (`0.5`, `'1.5'`) in billionths of a CPU, as HostConfig.NanoCpus. */
function nanoCpus(v: unknown, where: string): number {
  const cpus = Number(v);
  if (!Number.isFinite(cpus) || cpus < 0) throw new ComposeError(`${where}: invalid cpus "${String(v)}"`);
  return Math.round(cpus * 1e9);
}

/**
 * deploy.resources as Compose v2 maps it onto one engine (no swarm): limits.cpus -> NanoCpus, limits.memory -> Memory,
 * limits.pids -> PidsLimit, reservations.memory -> MemoryReservation. reservations.cpus is a swarm scheduling option
 * that Compose v2 does not send to the engine ("Cpu reservation is a swarm option") and does not mention; berth leaves it
 * out alike but says so through `warn` (an option it cannot honour is named, never silently dropped).
 * reservations.devices and generic_resources are refused by name while loading (supported.ts).
 */
export function resourcesOf(deploy: unknown, where: string, warn?: (message: string) => void): Resources | undefined {
  const raw = tree(deploy).resources;
  if (raw === undefined) return undefined;
  const limits = tree(tree(raw).limits);
  const reservations = tree(tree(raw).reservations);
  const at = `${where}.deploy.resources`;
  const r: Resources = {};
  if (limits.cpus !== undefined) r.nanoCpus = nanoCpus(limits.cpus, `${at}.limits.cpus`);
  if (limits.memory !== undefined) r.memory = parseBytes(limits.memory as string, `${at}.limits.memory`);
  if (limits.pids !== undefined) {
    const pids = Number(limits.pids);
    if (!Number.isInteger(pids)) throw new ComposeError(`${at}.limits.pids: invalid number "${String(limits.pids)}"`);
    // Compose v2 sends only a positive limit.
    if (pids > 0) r.pids = pids;
  }
  if (reservations.cpus !== undefined)
    warn?.(
      `${at}.reservations.cpus is not applied: a CPU reservation is a swarm scheduling option with no container setting on one engine (Compose v2 leaves it out too)`,
    );
  if (reservations.memory !== undefined)
    r.memoryReservation = parseBytes(reservations.memory as string, `${at}.reservations.memory`);
  return r;
}
