// Binds (`-v src:dst:opts`), Mounts (`--mount`) and Tmpfs (`--tmpfs dst:opts`) from a create request, validated
// with Docker's messages and turned into one list of mounts the runtime spec understands.
import { isAbsolute, posix } from 'node:path';
import { invalidArgument } from '../errdefs.js';
import type { HostConfig, MountPoint } from '../../spec/docker/containers.js';

export interface PlannedMount {
  type: 'bind' | 'tmpfs' | 'volume';
  /** Host path for binds; volume name for volumes; "tmpfs" for tmpfs. */
  source: string;
  destination: string;
  readOnly: boolean;
  /** bind propagation (rprivate by default) or tmpfs options such as size=64m, mode=1777. */
  options: string[];
  /** `-v` creates a missing bind source; `--mount` refuses it. */
  createSource: boolean;
  /** Volumes: `nocopy` (or VolumeOptions.NoCopy) leaves a new volume empty instead of filling it from the image. */
  noCopy?: boolean;
  /** Volumes created on first use take these (`--mount volume-opt=...,volume-label=...`). */
  volumeOptions?: { driverOptions: Record<string, string>; labels: Record<string, string> };
  /** Set at start for a volume mount: fill the (empty) source from the image's content at the destination. */
  copyUp?: boolean;
  /** How inspect shows it. */
  point: MountPoint;
}

const PROPAGATIONS = ['private', 'rprivate', 'shared', 'rshared', 'slave', 'rslave'];

function checkDestination(dest: string, raw: string): string {
  if (!dest) throw invalidArgument(`invalid volume specification: '${raw}'`);
  if (!isAbsolute(dest))
    throw invalidArgument(
      `invalid mount config for type "bind": invalid mount path: '${dest}' mount path must be absolute`,
    );
  const clean = posix.normalize(dest);
  if (clean === '/') throw invalidArgument(`invalid specification: destination can't be '/' in '${raw}'`);
  return clean.replace(/\/$/, '');
}

function parseBind(raw: string): PlannedMount {
  const parts = raw.split(':');
  if (parts.length === 1 && isAbsolute(raw)) {
    // `-v /path` sent as a bind: an anonymous volume, as Docker makes.
    const destination = checkDestination(raw, raw);
    return {
      type: 'volume',
      source: '',
      destination,
      readOnly: false,
      options: [],
      createSource: true,
      point: {
        Type: 'volume',
        Name: '',
        Source: '',
        Destination: destination,
        Driver: 'local',
        Mode: '',
        RW: true,
        Propagation: '',
      },
    };
  }
  if (parts.length < 2 || parts.length > 3) throw invalidArgument(`invalid volume specification: '${raw}'`);
  const [source = '', dest = '', mode = ''] = parts;
  const destination = checkDestination(dest, raw);
  const modes = mode ? mode.split(',') : [];
  for (const m of modes)
    if (!['ro', 'rw', 'z', 'Z', 'nocopy', ...PROPAGATIONS].includes(m)) throw invalidArgument(`invalid mode: ${m}`);
  const readOnly = modes.includes('ro');
  const propagation = modes.find((m) => PROPAGATIONS.includes(m)) ?? 'rprivate';
  if (!isAbsolute(source)) {
    // A name, not a path: a named volume (the volumes issue resolves it).
    if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/.test(source))
      throw invalidArgument(
        `create ${source}: "${source}" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path`,
      );
    return {
      type: 'volume',
      source,
      destination,
      readOnly,
      options: [],
      createSource: true,
      noCopy: modes.includes('nocopy'),
      point: {
        Type: 'volume',
        Name: source,
        Source: '',
        Destination: destination,
        Driver: 'local',
        Mode: mode || 'z',
        RW: !readOnly,
        Propagation: '',
      },
    };
  }
  const src = posix.normalize(source);
  return {
    type: 'bind',
    source: src,
    destination,
    readOnly,
    options: [propagation],
    createSource: true,
    point: { Type: 'bind', Source: src, Destination: destination, Mode: mode, RW: !readOnly, Propagation: propagation },
  };
}

/** mount(8) flags Docker's tmpfs options may name, and the tmpfs data keys it passes on (moby/sys/mount). */
const TMPFS_FLAGS = new Set(
  'defaults ro rw suid nosuid dev nodev exec noexec sync async dirsync remount mand nomand atime noatime diratime nodiratime bind rbind unbindable runbindable private rprivate shared rshared slave rslave relatime norelatime strictatime nostrictatime'.split(
    ' ',
  ),
);
const TMPFS_DATA_KEYS = new Set(['', 'size', 'mode', 'uid', 'gid', 'nr_inodes', 'nr_blocks', 'mpol']);

/** `--tmpfs dst:opts` checked as Docker does before anything is made: an absolute destination other than '/', and
 * options it knows (Go's %q of the split option in its message). */
function checkTmpfs(dest: string, options: string[]): void {
  if (posix.normalize(dest || '.') === '/') throw invalidArgument("invalid specification: destination can't be '/'");
  if (!isAbsolute(dest)) throw invalidArgument(`invalid mount path: '${dest}' mount path must be absolute`);
  for (const option of options) {
    if (TMPFS_FLAGS.has(option)) continue;
    const eq = option.indexOf('=');
    const parts = eq < 0 ? [option] : [option.slice(0, eq), option.slice(eq + 1)];
    if (parts.length !== 2 || !TMPFS_DATA_KEYS.has(parts[0] as string))
      throw invalidArgument(`invalid tmpfs option [${parts.map((p) => JSON.stringify(p)).join(' ')}]`);
  }
}

function parseTmpfs(dest: string, opts: string): PlannedMount {
  const options = opts ? opts.split(',') : [];
  checkTmpfs(dest, options);
  const destination = checkDestination(dest, dest);
  const readOnly = options.includes('ro');
  return {
    type: 'tmpfs',
    source: 'tmpfs',
    destination,
    readOnly,
    options: options.filter((o) => o !== 'ro' && o !== 'rw'),
    createSource: false,
    point: { Type: 'tmpfs', Source: '', Destination: destination, Mode: opts, RW: !readOnly, Propagation: '' },
  };
}

function fromMountSpec(m: NonNullable<HostConfig['Mounts']>[number]): PlannedMount {
  const type = m.Type ?? '';
  const target = m.Target ?? '';
  if (!target) throw invalidArgument('invalid mount config: Target must not be empty');
  const destination = checkDestination(target, target);
  const readOnly = m.ReadOnly ?? false;
  switch (type) {
    case 'bind': {
      if (m.VolumeOptions)
        throw invalidArgument(`invalid mount config for type "bind": field VolumeOptions must not be specified`);
      if (m.TmpfsOptions)
        throw invalidArgument(`invalid mount config for type "bind": field TmpfsOptions must not be specified`);
      if (!m.Source) throw invalidArgument(`invalid mount config for type "bind": field Source must not be empty`);
      if (!isAbsolute(m.Source))
        throw invalidArgument(
          `invalid mount config for type "bind": invalid mount path: '${m.Source}' mount path must be absolute`,
        );
      const propagation = m.BindOptions?.Propagation || 'rprivate';
      return {
        type: 'bind',
        source: posix.normalize(m.Source),
        destination,
        readOnly,
        options: [propagation],
        createSource: m.BindOptions?.CreateMountpoint ?? false,
        point: {
          Type: 'bind',
          Source: posix.normalize(m.Source),
          Destination: destination,
          Mode: '',
          RW: !readOnly,
          Propagation: propagation,
        },
      };
    }
    case 'tmpfs': {
      if (m.Source) throw invalidArgument(`invalid mount config for type "tmpfs": field Source must not be specified`);
      const options: string[] = [];
      if (m.TmpfsOptions?.SizeBytes) options.push(`size=${m.TmpfsOptions.SizeBytes}`);
      if (m.TmpfsOptions?.Mode) options.push(`mode=${m.TmpfsOptions.Mode.toString(8)}`);
      return {
        type: 'tmpfs',
        source: 'tmpfs',
        destination,
        readOnly,
        options,
        createSource: false,
        point: { Type: 'tmpfs', Source: '', Destination: destination, Mode: '', RW: !readOnly, Propagation: '' },
      };
    }
    case 'volume': {
      if (m.BindOptions)
        throw invalidArgument(`invalid mount config for type "volume": field BindOptions must not be specified`);
      if (m.TmpfsOptions)
        throw invalidArgument(`invalid mount config for type "volume": field TmpfsOptions must not be specified`);
      const name = m.Source ?? '';
      const vo = m.VolumeOptions;
      const volumeOptions = { driverOptions: vo?.DriverConfig?.Options ?? {}, labels: vo?.Labels ?? {} };
      return {
        type: 'volume',
        source: name,
        destination,
        readOnly,
        options: [],
        createSource: true,
        noCopy: vo?.NoCopy ?? false,
        volumeOptions,
        point: {
          Type: 'volume',
          Name: name,
          Source: '',
          Destination: destination,
          Driver: 'local',
          Mode: 'z',
          RW: !readOnly,
          Propagation: '',
        },
      };
    }
    default:
      throw invalidArgument(`invalid mount config: mount type unknown: "${type}"`);
  }
}

export function planMounts(hostConfig: HostConfig): PlannedMount[] {
  const planned = [
    ...(hostConfig.Binds ?? []).map(parseBind),
    ...(hostConfig.Mounts ?? []).map(fromMountSpec),
    ...Object.entries(hostConfig.Tmpfs ?? {}).map(([dest, opts]) => parseTmpfs(dest, opts)),
  ];
  const seen = new Set<string>();
  for (const m of planned) {
    if (seen.has(m.destination)) throw invalidArgument(`Duplicate mount point: ${m.destination}`);
    seen.add(m.destination);
  }
  return planned;
}
