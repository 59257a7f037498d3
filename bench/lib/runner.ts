// The alternating runner: a warm-up of each side, then A B A B ... N times each.
// A side that throws stops being sampled and is recorded with its error; the other side carries on.

export type Outcome = { kind: 'measured'; samples: number[] } | { kind: 'failed'; error: string };

export type Sampler = (index: number) => Promise<number>;

export interface AlternateOptions {
  warmup: number;
  n: number;
  signal?: AbortSignal;
  /** Called on each sample, for progress output. */
  progress?: (side: string, index: number, value: number) => void;
}

export async function alternate(
  sides: { berth: Sampler; docker: Sampler },
  options: AlternateOptions,
): Promise<{ berth: Outcome; docker: Outcome }> {
  const state = {
    berth: { samples: [] as number[], error: undefined as string | undefined },
    docker: { samples: [] as number[], error: undefined as string | undefined },
  };
  const step = async (side: 'berth' | 'docker', index: number, keep: boolean): Promise<void> => {
    const entry = state[side];
    if (entry.error !== undefined) return;
    options.signal?.throwIfAborted();
    try {
      const value = await sides[side](index);
      if (keep) {
        entry.samples.push(value);
        options.progress?.(side, index, value);
      }
    } catch (error) {
      if (options.signal?.aborted) throw error;
      entry.error = (error as Error).message;
    }
  };
  for (let i = 0; i < options.warmup; i++) {
    await step('berth', -1 - i, false);
    await step('docker', -1 - i, false);
  }
  for (let i = 0; i < options.n; i++) {
    await step('berth', i, true);
    await step('docker', i, true);
  }
  const outcome = (side: 'berth' | 'docker'): Outcome => {
    const entry = state[side];
    return entry.error !== undefined
      ? { kind: 'failed', error: entry.error }
      : { kind: 'measured', samples: entry.samples };
  };
  return { berth: outcome('berth'), docker: outcome('docker') };
}

/** Measures one side alone (the runc floor), N times after a warm-up. */
export async function repeat(sampler: Sampler, options: AlternateOptions): Promise<Outcome> {
  try {
    for (let i = 0; i < options.warmup; i++) await sampler(-1 - i);
    const samples: number[] = [];
    for (let i = 0; i < options.n; i++) {
      options.signal?.throwIfAborted();
      samples.push(await sampler(i));
    }
    return { kind: 'measured', samples };
  } catch (error) {
    if (options.signal?.aborted) throw error;
    return { kind: 'failed', error: (error as Error).message };
  }
}
