// HostConfig.SecurityOpt as Docker reads it: "no-new-privileges[=|:]bool", "seccomp=unconfined|<profile JSON>"
// (the CLI has already replaced a file path with its content), "apparmor=…" and "label=…" (no-ops here),
// "systempaths=unconfined".
import { invalidArgument } from '../errdefs.js';
import { parseSeccompProfile, type DockerSeccompProfile } from './seccomp.js';

export interface SecurityOptions {
  noNewPrivileges: boolean;
  /** undefined: Docker's default profile. */
  seccomp: DockerSeccompProfile | 'unconfined' | undefined;
  /** systempaths=unconfined: no masked or read-only /proc paths. */
  unmaskSystemPaths: boolean;
}

const parseBool = (value: string, opt: string): boolean => {
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(value)) return false;
  throw invalidArgument(`invalid --security-opt 2: "${opt}"`);
};

export function parseSecurityOptions(opts: string[]): SecurityOptions {
  const out: SecurityOptions = { noNewPrivileges: false, seccomp: undefined, unmaskSystemPaths: false };
  for (const opt of opts) {
    if (opt === 'no-new-privileges') {
      out.noNewPrivileges = true;
      continue;
    }
    const eq = opt.indexOf('=');
    const colon = opt.indexOf(':');
    // Docker still takes the legacy "key:value" form when there is no "=".
    const at = eq >= 0 ? eq : colon;
    if (at < 0) throw invalidArgument(`invalid --security-opt 1: "${opt}"`);
    const key = opt.slice(0, at);
    const value = opt.slice(at + 1);
    switch (key) {
      case 'no-new-privileges':
        out.noNewPrivileges = parseBool(value, opt);
        break;
      case 'seccomp':
        out.seccomp = value === 'unconfined' ? 'unconfined' : parseSeccompProfile(value);
        break;
      case 'systempaths':
        if (value !== 'unconfined') throw invalidArgument(`invalid --security-opt 2: "${opt}"`);
        out.unmaskSystemPaths = true;
        break;
      case 'apparmor':
      case 'label':
        break;
      default:
        throw invalidArgument(`invalid --security-opt 2: "${opt}"`);
    }
  }
  return out;
}
