// The effective container config: the create request merged over the image's config, by Docker's rules.
import { invalidArgument } from '../errdefs.js';
import type { ContainerConfig, HealthConfig } from '../../spec/docker/containers.js';
import { withoutCriOwnedLabels } from './cri-owned-labels.js';

/** The part of an image's config that containers inherit (OCI config.config plus Docker's extras). */
export interface ImageRunConfig {
  User?: string;
  ExposedPorts?: Record<string, object> | null;
  Env?: string[] | null;
  Entrypoint?: string[] | null;
  Cmd?: string[] | null;
  Volumes?: Record<string, object> | null;
  WorkingDir?: string;
  Labels?: Record<string, string> | null;
  StopSignal?: string;
  Healthcheck?: HealthConfig;
  Shell?: string[] | null;
  OnBuild?: string[] | null;
  ArgsEscaped?: boolean;
}

const envKey = (entry: string): string => entry.split('=', 1)[0] ?? entry;

function mergeEnv(user: string[] | null | undefined, image: string[] | null | undefined): string[] {
  const own = user ?? [];
  if (own.length === 0) return [...(image ?? [])];
  const keys = new Set(own.map(envKey));
  return [...own, ...(image ?? []).filter((e) => !keys.has(envKey(e)))];
}

const union = (
  a: Record<string, object> | null | undefined,
  b: Record<string, object> | null | undefined,
): Record<string, object> | null => {
  const merged = { ...(b ?? {}), ...(a ?? {}) };
  return Object.keys(merged).length > 0 ? merged : null;
};

function mergeHealthcheck(user: HealthConfig | undefined, image: HealthConfig | undefined): HealthConfig | undefined {
  if (!user) return image;
  if (!image) return user;
  return {
    ...user,
    Test: user.Test && user.Test.length > 0 ? user.Test : image.Test,
    Interval: user.Interval || image.Interval,
    Timeout: user.Timeout || image.Timeout,
    StartPeriod: user.StartPeriod || image.StartPeriod,
    StartInterval: user.StartInterval || image.StartInterval,
    Retries: user.Retries || image.Retries,
  };
}

export function mergeContainerConfig(user: ContainerConfig, image: ImageRunConfig): ContainerConfig {
  const merged: ContainerConfig = { ...user };
  merged.User = user.User || image.User || '';
  merged.ExposedPorts = union(user.ExposedPorts, image.ExposedPorts);
  merged.Env = mergeEnv(user.Env, image.Env);
  // An image's io.berth.cri.* labels (a pod's container committed) make no pod of a container run from it.
  merged.Labels = { ...withoutCriOwnedLabels(image.Labels), ...(user.Labels ?? {}) };
  merged.Volumes = union(user.Volumes, image.Volumes);
  merged.WorkingDir = user.WorkingDir || image.WorkingDir || '';
  merged.StopSignal = user.StopSignal || image.StopSignal || undefined;
  merged.Healthcheck = mergeHealthcheck(user.Healthcheck, image.Healthcheck);
  if (!merged.Healthcheck) delete merged.Healthcheck;
  if (!merged.StopSignal) delete merged.StopSignal;
  merged.OnBuild = image.OnBuild ?? null;
  if (user.Shell === undefined && image.Shell) merged.Shell = image.Shell;

  // `--entrypoint ""` arrives as [""]: it clears the image's entrypoint and keeps only the given cmd.
  const clearedEntrypoint = user.Entrypoint?.length === 1 && user.Entrypoint[0] === '';
  if (clearedEntrypoint) merged.Entrypoint = null;
  else if (!user.Entrypoint || user.Entrypoint.length === 0) {
    if (!user.Cmd || user.Cmd.length === 0) merged.Cmd = image.Cmd ?? null;
    merged.Entrypoint = image.Entrypoint ?? null;
  }
  merged.Cmd = merged.Cmd ?? null;
  return merged;
}

/** Entrypoint + Cmd as the process's path and args; refuses an empty command as Docker does. */
export function commandOf(config: ContainerConfig): { path: string; args: string[] } {
  const argv = [...(config.Entrypoint ?? []), ...(config.Cmd ?? [])];
  const [path, ...args] = argv;
  if (path === undefined || path === '') throw invalidArgument('No command specified');
  return { path, args };
}
