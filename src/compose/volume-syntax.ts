// Service volumes: the short syntax (`[SOURCE:]TARGET[:MODE]`) and the long one, to VolumeMount. A source that is a
// path (`/`, `.`, `~`) is a bind mount resolved against the project directory; another source names a top-level
// volume; no source is an anonymous volume.
import { isAbsolute, resolve } from 'node:path';
import { homedir } from 'node:os';
import { ComposeError } from './errors.js';
import type { VolumeMount } from './model.js';

const isPath = (s: string): boolean => s.startsWith('/') || s.startsWith('.') || s.startsWith('~');

export function hostPath(source: string, workingDir: string): string {
  if (source === '~' || source.startsWith('~/')) return resolve(homedir(), source.slice(2));
  return isAbsolute(source) ? source : resolve(workingDir, source);
}

const MODES = new Set([
  'ro',
  'rw',
  'z',
  'Z',
  'nocopy',
  'cached',
  'delegated',
  'consistent',
  'shared',
  'rshared',
  'slave',
  'rslave',
  'private',
  'rprivate',
]);
const PROPAGATIONS = new Set(['shared', 'rshared', 'slave', 'rslave', 'private', 'rprivate']);

/** One `volumes` entry of a service, short or long syntax. */
export function parseVolumeMount(entry: unknown, workingDir: string, where: string): VolumeMount {
  if (typeof entry === 'string') return shortSyntax(entry, workingDir, where);
  const long = entry as {
    type: string;
    source?: string;
    target?: string;
    read_only?: boolean;
    bind?: { propagation?: string; create_host_path?: boolean; selinux?: string; recursive?: string };
    volume?: { nocopy?: boolean; subpath?: string };
    tmpfs?: { size?: number | string; mode?: number | string };
    consistency?: string;
  };
  const target = long.target;
  if (!target) throw new ComposeError(`${where}: target is required`);
  const readOnly = long.read_only ?? false;
  switch (long.type) {
    case 'volume':
      if (long.volume?.subpath)
        throw new ComposeError(`${where}: volume.subpath is not supported by berth compose yet`);
      return {
        type: 'volume',
        ...(long.source ? { source: long.source } : {}),
        target,
        readOnly,
        nocopy: long.volume?.nocopy ?? false,
      };
    case 'bind': {
      if (!long.source) throw new ComposeError(`${where}: source is required for a bind mount`);
      if (long.bind?.recursive)
        throw new ComposeError(`${where}: bind.recursive is not supported by berth compose yet`);
      const mount: VolumeMount = {
        type: 'bind',
        source: hostPath(long.source, workingDir),
        target,
        readOnly,
        createHostPath: long.bind?.create_host_path ?? true,
      };
      if (long.bind?.propagation) mount.propagation = long.bind.propagation;
      if (long.bind?.selinux) mount.selinux = long.bind.selinux;
      return mount;
    }
    case 'tmpfs': {
      const mount: VolumeMount = { type: 'tmpfs', target, readOnly };
      if (long.tmpfs?.size !== undefined) mount.size = Number(long.tmpfs.size);
      if (long.tmpfs?.mode !== undefined)
        mount.mode = typeof long.tmpfs.mode === 'string' ? parseInt(long.tmpfs.mode, 8) : long.tmpfs.mode;
      return mount;
    }
    default:
      throw new ComposeError(`${where}: volume type "${long.type}" is not supported by berth compose yet`);
  }
}

function shortSyntax(text: string, workingDir: string, where: string): VolumeMount {
  const parts = text.split(':');
  if (parts.length === 1) return { type: 'volume', target: text, readOnly: false, nocopy: false };
  let mode: string | undefined;
  if (parts.length === 3) mode = parts.pop();
  else if (parts.length === 2 && !(parts[1] as string).startsWith('/') && MODES.has(parts[1] as string))
    throw new ComposeError(`${where}: invalid volume specification "${text}"`);
  if (parts.length !== 2) throw new ComposeError(`${where}: invalid volume specification "${text}"`);
  const [source, target] = parts as [string, string];
  const modes = (mode ?? '').split(',').filter(Boolean);
  for (const m of modes) if (!MODES.has(m)) throw new ComposeError(`${where}: invalid mode "${m}" in "${text}"`);
  const readOnly = modes.includes('ro');
  if (isPath(source)) {
    const mount: VolumeMount = {
      type: 'bind',
      source: hostPath(source, workingDir),
      target,
      readOnly,
      createHostPath: true,
    };
    const propagation = modes.find((m) => PROPAGATIONS.has(m));
    if (propagation) mount.propagation = propagation;
    const selinux = modes.find((m) => m === 'z' || m === 'Z');
    if (selinux) mount.selinux = selinux;
    return mount;
  }
  return { type: 'volume', source, target, readOnly, nocopy: modes.includes('nocopy') };
}
