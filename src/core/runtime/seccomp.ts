// Docker's seccomp profile format (archMap, includes/excludes by caps, arches, kernel) to OCI linux.seccomp,
// resolved for the container's effective capabilities and this machine's architecture and kernel.
import dockerDefault from './seccomp/docker-default.json' with { type: 'json' };

interface DockerRule {
  names: string[];
  action: string;
  errnoRet?: number;
  args?: unknown[] | null;
  includes?: { caps?: string[]; arches?: string[]; minKernel?: string };
  excludes?: { caps?: string[]; arches?: string[] };
}

export interface DockerSeccompProfile {
  defaultAction: string;
  defaultErrnoRet?: number;
  archMap?: { architecture: string; subArchitectures: string[] }[];
  architectures?: string[];
  syscalls?: DockerRule[];
}

export interface OciSeccomp {
  defaultAction: string;
  defaultErrnoRet?: number;
  architectures: string[];
  syscalls: { names: string[]; action: string; errnoRet?: number; args?: unknown[] }[];
}

export const DOCKER_DEFAULT_PROFILE = dockerDefault as DockerSeccompProfile;

const SECCOMP_ARCH: Record<string, string> = { amd64: 'SCMP_ARCH_X86_64', arm64: 'SCMP_ARCH_AARCH64', '386': 'SCMP_ARCH_X86', arm: 'SCMP_ARCH_ARM', ppc64le: 'SCMP_ARCH_PPC64LE', s390x: 'SCMP_ARCH_S390X', riscv64: 'SCMP_ARCH_RISCV64' };

const kernelAtLeast = (kernel: string, min: string): boolean => {
  const [a = 0, b = 0] = kernel.split(/[.-]/).map(Number);
  const [c = 0, d = 0] = min.split('.').map(Number);
  return a > c || (a === c && b >= d);
};

export function toOciSeccomp(profile: DockerSeccompProfile, env: { goArch: string; kernel: string; capabilities: string[] }): OciSeccomp {
  const native = SECCOMP_ARCH[env.goArch];
  const arches = profile.architectures ?? (profile.archMap ?? []).filter((a) => a.architecture === native).flatMap((a) => [a.architecture, ...a.subArchitectures]);
  const caps = new Set(env.capabilities);
  const syscalls = (profile.syscalls ?? [])
    .filter((rule) => {
      const inc = rule.includes ?? {};
      const exc = rule.excludes ?? {};
      if (inc.arches && !inc.arches.includes(env.goArch)) return false;
      if (exc.arches?.includes(env.goArch)) return false;
      if (inc.caps && !inc.caps.every((c) => caps.has(c))) return false;
      if (exc.caps?.some((c) => caps.has(c))) return false;
      if (inc.minKernel && !kernelAtLeast(env.kernel, inc.minKernel)) return false;
      return true;
    })
    .map((rule) => ({ names: rule.names, action: rule.action, ...(rule.errnoRet !== undefined ? { errnoRet: rule.errnoRet } : {}), ...(rule.args ? { args: rule.args } : {}) }));
  return { defaultAction: profile.defaultAction, ...(profile.defaultErrnoRet !== undefined ? { defaultErrnoRet: profile.defaultErrnoRet } : {}), architectures: arches, syscalls };
}
