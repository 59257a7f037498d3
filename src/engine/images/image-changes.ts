// `docker import --change` / `commit --change`: Dockerfile instructions applied to an image config.
import { invalidArgument } from '../../core/errdefs.js';
import type { ImageConfigFile } from '../../spec/oci/image.js';

type RunConfig = NonNullable<ImageConfigFile['config']>;

const jsonOrShell = (arg: string): string[] => {
  const trimmed = arg.trim();
  if (trimmed.startsWith('[')) {
    try {
      const parsed = JSON.parse(trimmed) as unknown;
      if (Array.isArray(parsed) && parsed.every((x) => typeof x === 'string')) return parsed;
    } catch {
      /* shell form */
    }
  }
  return ['/bin/sh', '-c', trimmed];
};

const keyValues = (arg: string): [string, string][] => {
  if (!arg.includes('=')) {
    const [k = '', ...v] = arg.trim().split(/\s+/);
    return [[k, v.join(' ')]];
  }
  const pairs: [string, string][] = [];
  for (const m of arg.matchAll(/([^\s=]+)=("(?:[^"\\]|\\.)*"|'[^']*'|\S*)/g)) {
    const raw = m[2] ?? '';
    pairs.push([m[1] ?? '', raw.startsWith('"') || raw.startsWith("'") ? raw.slice(1, -1) : raw]);
  }
  return pairs;
};

export function applyChanges(config: RunConfig, changes: string[]): RunConfig {
  const out: RunConfig = { ...config };
  for (const change of changes) {
    const m = /^\s*(\w+)\s+([\s\S]*)$/.exec(change);
    if (!m) throw invalidArgument(`dockerfile parse error: unknown instruction: ${change}`);
    const instruction = (m[1] ?? '').toUpperCase();
    const arg = m[2] ?? '';
    switch (instruction) {
      case 'CMD':
        out.Cmd = jsonOrShell(arg);
        break;
      case 'ENTRYPOINT':
        out.Entrypoint = jsonOrShell(arg);
        break;
      case 'ENV': {
        const env = [...(out.Env ?? [])];
        for (const [k, v] of keyValues(arg)) {
          const i = env.findIndex((e) => e.startsWith(`${k}=`));
          if (i >= 0) env[i] = `${k}=${v}`;
          else env.push(`${k}=${v}`);
        }
        out.Env = env;
        break;
      }
      case 'LABEL':
        out.Labels = { ...(out.Labels ?? {}), ...Object.fromEntries(keyValues(arg)) };
        break;
      case 'EXPOSE':
        out.ExposedPorts = {
          ...(out.ExposedPorts ?? {}),
          ...Object.fromEntries(
            arg
              .trim()
              .split(/\s+/)
              .map((p) => [p.includes('/') ? p : `${p}/tcp`, {}]),
          ),
        };
        break;
      case 'VOLUME':
        out.Volumes = {
          ...(out.Volumes ?? {}),
          ...Object.fromEntries(
            jsonOrShell(arg)[0] === '/bin/sh'
              ? arg
                  .trim()
                  .split(/\s+/)
                  .map((v) => [v, {}])
              : jsonOrShell(arg).map((v) => [v, {}]),
          ),
        };
        break;
      case 'WORKDIR':
        out.WorkingDir = arg.trim();
        break;
      case 'USER':
        out.User = arg.trim();
        break;
      case 'STOPSIGNAL':
        out.StopSignal = arg.trim();
        break;
      case 'ONBUILD':
        out.OnBuild = [...(out.OnBuild ?? []), arg.trim()];
        break;
      default:
        throw invalidArgument(`${instruction} is not a valid change command`);
    }
  }
  return out;
}
