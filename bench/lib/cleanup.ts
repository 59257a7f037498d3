// Cleanup actions run in reverse order of registration, once: at the end, on failure, and on Ctrl-C.
type Action = { what: string; run: () => Promise<void> | void };

const actions: Action[] = [];
let running: Promise<void> | undefined;

/** Registers an action; returns a function that unregisters it (after it was done by hand). */
export function onCleanup(what: string, run: Action['run']): () => void {
  const action = { what, run };
  actions.push(action);
  return () => {
    const index = actions.indexOf(action);
    if (index >= 0) actions.splice(index, 1);
  };
}

export function runCleanup(): Promise<void> {
  running ??= (async () => {
    while (actions.length > 0) {
      const action = actions.pop()!;
      try {
        await action.run();
      } catch (error) {
        console.error(`bench: cleanup "${action.what}" failed: ${(error as Error).message}`);
      }
    }
  })();
  return running;
}

/** On SIGINT/SIGTERM: clean up, then exit with 130/143. */
export function cleanupOnSignals(abort: AbortController): void {
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    process.once(signal, () => {
      console.error(`bench: ${signal}, cleaning up`);
      abort.abort(new Error(signal));
      void runCleanup().finally(() => process.exit(code));
    });
  }
}
