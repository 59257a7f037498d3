// commander shaped to behave as docker's cobra/pflag front end: docker's usage-error messages and exit
// codes, argument-count checks, and `--flag=true|false` on boolean flags.
import { Command, Option } from 'commander';
import { CliExit } from './context.js';

export const PROGRAM = 'berth';

/** The full command path as docker prints it: `berth image ls`. */
export function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

function usageBlock(cmd: Command): string {
  const usage = cmd instanceof DockerCommand && cmd.errorUsage !== undefined ? cmd.errorUsage : cmd.usage();
  return `Usage:  ${commandPath(cmd)}${usage ? ` ${usage}` : ''}`;
}

/** A usage error: docker's message, the command's usage line and where to find help. */
export function usageError(cmd: Command, message: string, code: number, hint: 'Run' | 'See' | 'SRun' = 'Run'): CliExit {
  return new CliExit(
    code,
    `${message}\n\n${usageBlock(cmd)}\n\n${hint} '${commandPath(cmd)} --help' for more information`,
  );
}

/** docker's boolean flags that default to true: `=false` turns into the negation (any other `--flag=false` is dropped: off is the default). */
export const NEGATIONS: ReadonlyMap<string, string> = new Map([
  ['-H', '--no-human'],
  ['--human', '--no-human'],
  ['--sig-proxy', '--no-sig-proxy'],
  ['--pause', '--no-pause'],
]);

/** Turns commander's parse errors into docker's wording. */
function translate(cmd: Command, message: string, code: string | undefined): CliExit {
  const option = /'([^']+)'/.exec(message)?.[1] ?? '';
  switch (code) {
    case 'commander.unknownOption': {
      const arg = option.split(/[ =,]/)[0] ?? option;
      if (arg.startsWith('--')) return usageError(cmd, `unknown flag: ${arg}`, 125);
      const bad = arg.slice(1, 2);
      return usageError(cmd, `unknown shorthand flag: '${bad}' in ${arg}`, 125);
    }
    case 'commander.optionMissingArgument': {
      const long = /--[\w-]+/.exec(option)?.[0];
      const short = /^-(\w)\b/.exec(option)?.[1];
      const used = process.argv
        .slice(2)
        .find((a) => a === long || (short && a.startsWith('-') && !a.startsWith('--') && a.endsWith(short)));
      const what = used && !used.startsWith('--') && short ? `'${short}' in -${short}` : (long ?? option);
      return usageError(cmd, `flag needs an argument: ${what}`, 125);
    }
    case 'commander.unknownCommand': {
      const sub = /'([^']+)'/.exec(message)?.[1] ?? '';
      if (!cmd.parent)
        return new CliExit(
          1,
          `${PROGRAM}: unknown command: ${PROGRAM} ${sub}\n\nRun '${PROGRAM} --help' for more information`,
        );
      return usageError(cmd, `${PROGRAM}: unknown command: ${commandPath(cmd)} ${sub}`, 1);
    }
    case 'commander.invalidArgument':
      return usageError(cmd, message.replace(/^error: /, ''), 125);
    default:
      return usageError(cmd, message.replace(/^error: /, ''), 125);
  }
}

/** A Command whose parse errors are docker's and whose subcommands are DockerCommands too. */
export class DockerCommand extends Command {
  /** The usage shown with usage errors when it differs from the help's (docker's management commands). */
  errorUsage: string | undefined;

  override createCommand(name?: string): DockerCommand {
    return new DockerCommand(name);
  }

  /** Help laid out as docker's: usage, description, aliases, options or commands. */
  override helpInformation(): string {
    const path = commandPath(this);
    let out = `\nUsage:  ${path}${this.usage() ? ` ${this.usage()}` : ''}\n\n${this.description()}\n`;
    const aliases = this.aliases();
    if (aliases.length && this.parent)
      out += `\nAliases:\n  ${[path, ...aliases.map((a) => `${commandPath(this.parent as Command)} ${a}`)].join(', ')}\n`;
    const subs = this.commands.filter((c) => c.name() !== 'help');
    if (subs.length) {
      const width = Math.max(...subs.map((c) => c.name().length)) + 2;
      out += `\nCommands:\n${subs.map((c) => `  ${c.name().padEnd(width)}${c.description()}\n`).join('')}`;
    }
    const options = this.options.filter(
      (o) => !o.negate || !this.options.some((p) => p !== o && p.attributeName() === o.attributeName() && !p.negate),
    );
    if (options.length) {
      const flags = options.map(
        (o) => `${o.short ? `${o.short}, ` : '    '}${o.long ?? ''}${o.required || o.optional ? ' string' : ''}`,
      );
      const width = Math.max(...flags.map((f) => f.length)) + 3;
      out += `\nOptions:\n${options.map((o, i) => `  ${(flags[i] as string).padEnd(width)}${o.description}\n`).join('')}`;
    }
    if (subs.length) out += `\nRun '${path} COMMAND --help' for more information on a command.\n`;
    return out;
  }

  override error(message: string, errorOptions?: { code?: string; exitCode?: number }): never {
    throw translate(this, message, errorOptions?.code);
  }

  /** A repeatable flag (`--filter a --filter b`). */
  repeatable(flags: string, description: string): this {
    return this.addOption(
      new Option(flags, description).argParser((value: string, previous: string[] | undefined) => [
        ...(previous ?? []),
        value,
      ]),
    );
  }
}

/** Argument-count checks with docker's messages (exit 1). */
export function requireArgs(cmd: Command, args: string[], rule: { min?: number; max?: number; exact?: number }): void {
  const noun = (n: number): string => (n === 1 ? 'argument' : 'arguments');
  const name = `'${commandPath(cmd)}'`;
  if (rule.exact !== undefined && args.length !== rule.exact)
    throw usageError(cmd, `${PROGRAM}: ${name} requires ${rule.exact} ${noun(rule.exact)}`, 1);
  if (rule.max === 0 && args.length > 0) throw usageError(cmd, `${PROGRAM}: ${name} accepts no arguments`, 1);
  if (rule.min !== undefined && args.length < rule.min)
    throw usageError(cmd, `${PROGRAM}: ${name} requires at least ${rule.min} ${noun(rule.min)}`, 1, 'See');
  // docker 28 prints "SRun" here (a typo in its RequiresMaxArgs); byte-identical output keeps it.
  if (rule.max !== undefined && args.length > rule.max)
    throw usageError(cmd, `${PROGRAM}: ${name} requires at most ${rule.max} ${noun(rule.max)}`, 1, 'SRun');
}

/**
 * pflag accepts `--flag=true|false` and `-f=false` on boolean flags; commander does not. Rewrites them:
 * `=true` drops the value, `=false` becomes `--no-NAME` (every boolean flag here has a negation or
 * defaults to false, in which case the argument is dropped).
 */
export function normaliseBooleanFlags(argv: string[], negatable: ReadonlyMap<string, string>): string[] {
  const out: string[] = [];
  for (const arg of argv) {
    if (arg === '--') {
      out.push(...argv.slice(out.length));
      break;
    }
    const m = /^(--?[\w-]+)=(true|false|1|0|t|f|TRUE|FALSE|True|False)$/.exec(arg);
    if (!m) {
      out.push(arg);
      continue;
    }
    const [, flag = '', value = ''] = m;
    const on = /^(true|1|t)$/i.test(value);
    if (on) out.push(flag);
    else if (negatable.has(flag)) out.push(negatable.get(flag) as string);
  }
  return out;
}
