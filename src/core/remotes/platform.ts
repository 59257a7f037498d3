// Platforms ("linux/amd64", "linux/arm64/v8") and choosing one manifest from an index, as containerd's
// default matcher does: same os, same (normalised) architecture, and a variant that matches or is absent.

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

const ARCH_ALIASES: Record<string, string> = {
  x86_64: 'amd64',
  'x86-64': 'amd64',
  x64: 'amd64',
  aarch64: 'arm64',
  armhf: 'arm',
  armel: 'arm',
  i386: '386',
  ia32: '386',
};

export function normalizePlatform(p: Platform): Platform {
  const os = p.os.toLowerCase();
  const architecture = ARCH_ALIASES[p.architecture.toLowerCase()] ?? p.architecture.toLowerCase();
  let variant = p.variant?.toLowerCase() || undefined;
  if (architecture === 'arm64' && variant === 'v8') variant = undefined;
  if (architecture === 'amd64' && variant === 'v1') variant = undefined;
  if (architecture === 'arm' && variant === undefined) variant = 'v7';
  return variant ? { os, architecture, variant } : { os, architecture };
}

/** Parses `os[/arch[/variant]]`; undefined for an empty string. Throws on more parts. */
export function parsePlatform(spec: string, host: Platform): Platform | undefined {
  if (spec.trim() === '') return undefined;
  const parts = spec.trim().split('/');
  if (parts.length > 3 || parts.some((p) => p === ''))
    throw new Error(`"${spec}": unknown operating system or architecture: invalid argument`);
  const [os = '', architecture, variant] = parts;
  if (architecture === undefined)
    return normalizePlatform({ ...host, os, variant: os === host.os ? host.variant : undefined });
  return normalizePlatform({ os, architecture, variant });
}

export const formatPlatform = (p: Platform): string => [p.os, p.architecture, p.variant].filter(Boolean).join('/');

/** Node's process.arch in OCI terms. */
export function hostPlatform(nodeArch: string, nodePlatform = 'linux'): Platform {
  const arch = nodeArch === 'x64' ? 'amd64' : nodeArch === 'ia32' ? '386' : nodeArch;
  return normalizePlatform({ os: nodePlatform, architecture: arch });
}

export function platformMatches(want: Platform, have: Platform): boolean {
  const w = normalizePlatform(want);
  const h = normalizePlatform(have);
  return (
    w.os === h.os &&
    w.architecture === h.architecture &&
    (w.variant === undefined || h.variant === undefined || w.variant === h.variant)
  );
}

/** The best entry for `want`: an exact variant match first, then a compatible one. */
export function selectPlatform<T extends { platform?: Platform }>(
  entries: readonly T[],
  want: Platform,
): T | undefined {
  const candidates = entries.filter((e) => e.platform && platformMatches(want, e.platform));
  const w = normalizePlatform(want);
  return candidates.find((e) => normalizePlatform(e.platform as Platform).variant === w.variant) ?? candidates[0];
}
