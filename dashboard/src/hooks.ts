// Data loading hooks: load once and on demand, and reload when the events stream says something changed.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { subscribe, type EngineEvent } from './events.js';

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  reload: () => void;
}

export function useLoad<T>(load: (signal: AbortSignal) => Promise<T>, deps: unknown[]): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const abort = new AbortController();
    load(abort.signal).then(
      (value) => {
        if (abort.signal.aborted) return;
        setData(value);
        setError(undefined);
      },
      (err: unknown) => {
        if (!abort.signal.aborted) setError(err);
      },
    );
    return () => abort.abort();
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, reload };
}

/** Calls `onChange` (debounced) for events of the given types. */
export function useEvents(types: string[], onChange: (e: EngineEvent) => void): void {
  const latest = useRef(onChange);
  latest.current = onChange;
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let last: EngineEvent | undefined;
    const off = subscribe((e) => {
      if (!types.includes(e.Type ?? '')) return;
      last = e;
      if (timer) return;
      timer = setTimeout(() => {
        timer = undefined;
        if (last) latest.current(last);
      }, 200);
    });
    return () => {
      off();
      if (timer) clearTimeout(timer);
    };
  }, [types.join(',')]);
}
