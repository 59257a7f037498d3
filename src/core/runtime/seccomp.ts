// Docker's seccomp profile format (archMap, syscalls[].includes/excludes by caps, arches, minKernel) to OCI
// linux.seccomp, resolved for the container's effective capabilities and this machine's arch and kernel.
import dockerDefault from './seccomp/docker-default.json' with { type: 'json' };
import { invalidArgument } from '../errdefs.js';
import type { OciSeccomp, OciSeccompArg, OciSeccompSyscall } from '../../spec/oci/runtime-spec.js';

interface DockerFilter {
  caps?: string[];
  arches?: string[];
  minKernel?: string;
}

interface DockerRule {
  names?: string[];
  /** The pre-1.13 single-name form. */
  name?: string;
  action: string;
  errnoRet?: number;
  args?: OciSeccompArg[] | null;
  includes?: DockerFilter;
  excludes?: DockerFilter;
}

export interface DockerSeccompProfile {
  defaultAction: string;
  defaultErrnoRet?: number;
  archMap?: { architecture: string; subArchitectures: string[] | null }[] | null;
  architectures?: string[] | null;
  flags?: string[];
  syscalls?: DockerRule[] | null;
}

export const DOCKER_DEFAULT_PROFILE = dockerDefault as DockerSeccompProfile;

/** Go's GOARCH to libseccomp's native architecture name. */
export const SECCOMP_ARCH: Record<string, string> = {
  amd64: 'SCMP_ARCH_X86_64',
  arm64: 'SCMP_ARCH_AARCH64',
  '386': 'SCMP_ARCH_X86',
  arm: 'SCMP_ARCH_ARM',
  ppc64le: 'SCMP_ARCH_PPC64LE',
  s390x: 'SCMP_ARCH_S390X',
  riscv64: 'SCMP_ARCH_RISCV64',
  mips64le: 'SCMP_ARCH_MIPSEL64',
};

/** "6.18.44-fc" >= "5.8"? Compares major.minor(.patch) numerically, as Docker does. */
export function kernelAtLeast(kernel: string, min: string): boolean {
  const parse = (v: string): number[] =>
    (/^(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(v) ?? []).slice(1).map((n) => Number(n ?? 0));
  const a = parse(kernel);
  const b = parse(min);
  for (let i = 0; i < 3; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x > y;
  }
  return true;
}

export interface SeccompEnvironment {
  goArch: string;
  kernel: string;
  /** The container's bounding set: rules gated on caps follow it. */
  capabilities: string[];
}

function applies(rule: DockerRule, env: SeccompEnvironment, caps: Set<string>): boolean {
  const inc = rule.includes ?? {};
  const exc = rule.excludes ?? {};
  if (inc.arches?.length && !inc.arches.includes(env.goArch)) return false;
  if (exc.arches?.includes(env.goArch)) return false;
  if (inc.caps?.length && !inc.caps.every((c) => caps.has(c))) return false;
  if (exc.caps?.some((c) => caps.has(c))) return false;
  if (inc.minKernel && !kernelAtLeast(env.kernel, inc.minKernel)) return false;
  return true;
}

export function toOciSeccomp(profile: DockerSeccompProfile, env: SeccompEnvironment): OciSeccomp {
  if (!profile.defaultAction) throw invalidArgument('decoding seccomp profile failed: defaultAction is required');
  if (profile.architectures?.length && profile.archMap?.length)
    throw invalidArgument("use either 'architectures' or 'archMap'");
  const native = SECCOMP_ARCH[env.goArch];
  const architectures = profile.architectures?.length
    ? profile.architectures
    : (profile.archMap ?? [])
        .filter((a) => a.architecture === native)
        .flatMap((a) => [a.architecture, ...(a.subArchitectures ?? [])]);
  const caps = new Set(env.capabilities);
  const syscalls: OciSeccompSyscall[] = [];
  for (const rule of profile.syscalls ?? []) {
    if (rule.name && rule.names?.length) throw invalidArgument("use either 'name' or 'names'");
    if (!applies(rule, env, caps)) continue;
    const names = rule.names?.length ? rule.names : rule.name ? [rule.name] : [];
    syscalls.push({
      names,
      action: rule.action,
      ...(rule.errnoRet !== undefined ? { errnoRet: rule.errnoRet } : {}),
      ...(rule.args?.length ? { args: rule.args } : {}),
    });
  }
  return {
    defaultAction: profile.defaultAction,
    ...(profile.defaultErrnoRet !== undefined ? { defaultErrnoRet: profile.defaultErrnoRet } : {}),
    ...(architectures.length ? { architectures } : {}),
    ...(profile.flags?.length ? { flags: profile.flags } : {}),
    syscalls,
  };
}

/** A profile given with --security-opt seccomp=<JSON>. */
export function parseSeccompProfile(json: string): DockerSeccompProfile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (err) {
    throw invalidArgument(`decoding seccomp profile failed: ${(err as Error).message}`);
  }
  if (
    typeof parsed !== 'object' ||
    parsed === null ||
    typeof (parsed as { defaultAction?: unknown }).defaultAction !== 'string'
  ) {
    throw invalidArgument('decoding seccomp profile failed: defaultAction is required');
  }
  return parsed as DockerSeccompProfile;
}
