// A container's health check as Docker runs it: the merged Config.Healthcheck with Docker's defaults
// (interval 30s, timeout 30s, start period 0, start interval 5s, retries 3), the probe command (CMD as given,
// CMD-SHELL through the container's shell), and create-time validation with Docker's messages.
import { invalidArgument } from '../errdefs.js';
import type { ContainerConfig, HealthConfig } from '../../spec/docker/containers.js';

export interface ProbeSpec {
  cmd: string[];
  intervalMs: number;
  timeoutMs: number;
  startPeriodMs: number;
  startIntervalMs: number;
  retries: number;
}

const NS_PER_MS = 1_000_000;
const orDefault = (ns: number | undefined, fallbackMs: number): number => (ns && ns > 0 ? ns / NS_PER_MS : fallbackMs);

/** The probe to run, or undefined when the container has none (no HEALTHCHECK, or NONE). */
export function probeSpec(config: ContainerConfig): ProbeSpec | undefined {
  const hc = config.Healthcheck;
  const test = hc?.Test ?? [];
  const [kind, ...rest] = test;
  let cmd: string[];
  if (kind === 'CMD') cmd = rest;
  else if (kind === 'CMD-SHELL') cmd = [...(config.Shell?.length ? config.Shell : ['/bin/sh', '-c']), rest.join(' ')];
  else return undefined;
  if (cmd.length === 0) return undefined;
  return {
    cmd,
    intervalMs: orDefault(hc?.Interval, 30_000),
    timeoutMs: orDefault(hc?.Timeout, 30_000),
    startPeriodMs: orDefault(hc?.StartPeriod, 0),
    startIntervalMs: orDefault(hc?.StartInterval, 5_000),
    retries: hc?.Retries && hc.Retries > 0 ? hc.Retries : 3,
  };
}

const DURATIONS = ['Interval', 'Timeout', 'StartPeriod', 'StartInterval'] as const;

/**
 * Docker's checks at create: each duration 0 (the default) or at least 1ms, retries not negative, a known test
 * kind. A field left out or null (docker-py and docker-compose 1.29 send null for what a file omits) is 0.
 */
export function validateHealthConfig(hc: HealthConfig | null | undefined): void {
  if (!hc) return;
  const kind = hc.Test?.[0];
  if (kind !== undefined && !['NONE', 'CMD', 'CMD-SHELL'].includes(kind))
    throw invalidArgument(`unknown Healthcheck type '${kind}'`);
  for (const name of [...DURATIONS, 'Retries'] as const) {
    const value: unknown = hc[name];
    if (value !== undefined && value !== null && !Number.isSafeInteger(value)) {
      throw invalidArgument(
        `json: cannot unmarshal ${typeof value === 'number' ? `number ${value}` : typeof value} into Go struct field HealthConfig.Healthcheck.${name} of type ${name === 'Retries' ? 'int' : 'time.Duration'}`,
      );
    }
  }
  for (const name of DURATIONS) {
    const value = hc[name] ?? 0;
    if (value !== 0 && value < NS_PER_MS) throw invalidArgument(`${name} in Healthcheck cannot be less than 1ms`);
  }
  if ((hc.Retries ?? 0) < 0) throw invalidArgument('Retries in Healthcheck cannot be negative');
}

/** The health check as stored and shown by inspect: Docker omits zero (default) fields, so null and 0 go. */
export function normalizeHealthConfig(hc: HealthConfig | undefined): HealthConfig | undefined {
  if (!hc) return hc;
  const out: HealthConfig = { ...hc };
  for (const name of [...DURATIONS, 'Retries'] as const) if (!out[name]) delete out[name];
  if (out.Test === null) delete out.Test;
  return out;
}
