// docker's --mount flag: CSV `key=value` fields into the API's Mount object, with the CLI's messages.
import { CliExit } from './context.js';

export interface MountFlag {
  Type: string;
  Source?: string;
  Target?: string;
  ReadOnly?: boolean;
  Consistency?: string;
  BindOptions?: { Propagation?: string; NonRecursive?: boolean };
  VolumeOptions?: {
    NoCopy?: boolean;
    Labels?: Record<string, string>;
    DriverConfig?: { Name?: string; Options?: Record<string, string> };
  };
  TmpfsOptions?: { SizeBytes?: number; Mode?: number };
}

const bad = (value: string, why: string): CliExit =>
  new CliExit(125, `invalid argument "${value}" for "--mount" flag: ${why}\nSee 'berth run --help'.`);

const truthy = (key: string, v: string | undefined, raw: string): boolean => {
  if (v === undefined || v === '' || v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw bad(raw, `invalid value for ${key}: ${v}`);
};

/** Splits CSV fields, honouring double quotes (docker reads the flag with encoding/csv). */
function fields(raw: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (const ch of raw) {
    if (ch === '"') quoted = !quoted;
    else if (ch === ',' && !quoted) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

const SIZE = /^(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?$/i;
const UNIT: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

export function parseMountFlag(raw: string): MountFlag {
  const m: MountFlag = { Type: 'volume' };
  const volume = (): NonNullable<MountFlag['VolumeOptions']> => (m.VolumeOptions ??= {});
  for (const field of fields(raw)) {
    const eq = field.indexOf('=');
    const key = (eq < 0 ? field : field.slice(0, eq)).trim().toLowerCase();
    const value = eq < 0 ? undefined : field.slice(eq + 1);
    if (value === undefined && !['readonly', 'ro', 'volume-nocopy', 'bind-nonrecursive'].includes(key))
      throw bad(raw, `invalid field '${field}' must be a key=value pair`);
    const v = value ?? '';
    switch (key) {
      case 'type':
        m.Type = v;
        break;
      case 'source':
      case 'src':
        m.Source = v;
        break;
      case 'target':
      case 'dst':
      case 'destination':
        m.Target = v;
        break;
      case 'readonly':
      case 'ro':
        m.ReadOnly = truthy(key, value, raw);
        break;
      case 'consistency':
        m.Consistency = v;
        break;
      case 'bind-propagation':
        (m.BindOptions ??= {}).Propagation = v;
        break;
      case 'bind-nonrecursive':
        (m.BindOptions ??= {}).NonRecursive = truthy(key, value, raw);
        break;
      case 'volume-nocopy':
        volume().NoCopy = truthy(key, value, raw);
        break;
      case 'volume-driver':
        (volume().DriverConfig ??= {}).Name = v;
        break;
      case 'volume-label': {
        const [k = '', ...rest] = v.split('=');
        (volume().Labels ??= {})[k] = rest.join('=');
        break;
      }
      case 'volume-opt': {
        const [k = '', ...rest] = v.split('=');
        const cfg = (volume().DriverConfig ??= {});
        (cfg.Options ??= {})[k] = rest.join('=');
        break;
      }
      case 'tmpfs-size': {
        const s = SIZE.exec(v);
        if (!s) throw bad(raw, `invalid value for ${key}: ${v}`);
        (m.TmpfsOptions ??= {}).SizeBytes = Math.floor(Number(s[1]) * (UNIT[(s[2] ?? '').toLowerCase()] ?? 1));
        break;
      }
      case 'tmpfs-mode':
        (m.TmpfsOptions ??= {}).Mode = parseInt(v, 8);
        break;
      default:
        throw bad(raw, `unexpected key '${key}' in '${field}'`);
    }
  }
  if (!m.Target) throw bad(raw, 'target is required');
  if (m.Type !== 'volume' && m.VolumeOptions)
    throw bad(raw, `cannot mix 'volume-*' options with mount type '${m.Type}'`);
  if (m.Type !== 'bind' && m.BindOptions) throw bad(raw, `cannot mix 'bind-*' options with mount type '${m.Type}'`);
  if (m.Type !== 'tmpfs' && m.TmpfsOptions) throw bad(raw, `cannot mix 'tmpfs-*' options with mount type '${m.Type}'`);
  return m;
}

/** `-v` as the docker CLI splits it: a lone container path is an anonymous volume (Config.Volumes), the rest binds. */
export function splitVolumeFlags(volumes: string[]): { binds: string[]; anonymous: string[] } {
  const binds: string[] = [];
  const anonymous: string[] = [];
  for (const v of volumes) (v.startsWith('/') && !v.includes(':') ? anonymous : binds).push(v);
  return { binds, anonymous };
}
