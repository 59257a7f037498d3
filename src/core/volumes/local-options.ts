// DriverOpts of the local driver: `type`, `o` and `device`, handed to mount(8) as `mount -t type -o o device
// <data>`. Checked with Docker's rules and messages: only these keys, and type/o need a device, device a type.
import { invalidArgument } from '../errdefs.js';

const VALID = new Set(['type', 'o', 'device']);
const REQUIRES: Record<string, string[]> = { type: ['device'], device: ['type'], o: ['device'] };

/** Throws InvalidArgument "create <name>: invalid option: ..." as Docker does. */
export function validateLocalOptions(name: string, options: Record<string, string>): void {
  for (const key of Object.keys(options).sort()) {
    if (!VALID.has(key)) throw invalidArgument(`create ${name}: invalid option: "${key}"`);
  }
  for (const key of ['device', 'o', 'type']) {
    if (!(key in options)) continue;
    for (const needed of REQUIRES[key] ?? [])
      if (!(needed in options)) throw invalidArgument(`create ${name}: missing required option: "${needed}"`);
  }
}

export interface DeviceMount {
  type: string;
  device: string;
  options: string;
}

/** The mount(8) call a volume's options ask for; undefined for a plain directory. */
export function deviceMount(options: Record<string, string>): DeviceMount | undefined {
  if (!options.type && !options.device) return undefined;
  return { type: options.type ?? 'none', device: options.device ?? '', options: options.o ?? '' };
}

/** True when the options mount a host path with o=bind (Docker checks the device exists at mount time). */
export const isBindDevice = (m: DeviceMount): boolean => m.options.split(',').includes('bind');
