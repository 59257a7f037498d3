// Finding the verb in argv without parsing it all, so only that verb's module needs loading.

/** Global flags that take a value, so the verb can be found after them. */
const GLOBAL_WITH_VALUE = new Set(['-H', '--host', '-l', '--log-level', '--config', '-c', '--context']);

/** The index and name of the verb, skipping global flags. */
export function splitVerb(args: string[]): { index: number; verb: string | undefined } {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (GLOBAL_WITH_VALUE.has(arg)) i++;
    else if (!arg.startsWith('-')) return { index: i, verb: arg };
  }
  return { index: -1, verb: undefined };
}

/** The subcommand of a management command: the first non-flag word after the verb. */
export function subVerb(args: string[]): string | undefined {
  const at = splitVerb(args).index;
  return at >= 0 ? args.slice(at + 1).find((a) => !a.startsWith('-')) : undefined;
}
