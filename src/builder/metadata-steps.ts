// The steps that change only the image config (ENV, LABEL, CMD, ENTRYPOINT, EXPOSE, USER, VOLUME,
// STOPSIGNAL, HEALTHCHECK, SHELL, MAINTAINER, ONBUILD, ARG), each with the history comment Docker's classic
// builder writes (`/bin/sh -c #(nop)  CMD ["sh"]`). Pure.
import { invalidArgument } from '../core/errdefs.js';
import type { ImageConfigFile } from '../spec/oci/image.js';
import type { CommandForm, Instruction } from './dockerfile/instructions.js';

export interface Expander {
  word(text: string): string;
  words(text: string): string[];
}

export const DEFAULT_SHELL = ['/bin/sh', '-c'];

/** Go's %q of a []string: ["a" "b"]. */
export const goQuoteList = (list: readonly string[]): string => `[${list.map((s) => JSON.stringify(s)).join(' ')}]`;

/** Go's time.Duration String() for whole nanoseconds. */
export function goDuration(ns: number): string {
  if (ns === 0) return '0s';
  if (ns < 1e3) return `${ns}ns`;
  if (ns < 1e6) return `${trim(ns / 1e3)}µs`;
  if (ns < 1e9) return `${trim(ns / 1e6)}ms`;
  const h = Math.floor(ns / 3600e9);
  const m = Math.floor((ns % 3600e9) / 60e9);
  const s = (ns % 60e9) / 1e9;
  if (h > 0) return `${h}h${m}m${trim(s)}s`;
  if (m > 0) return `${m}m${trim(s)}s`;
  return `${trim(s)}s`;
}

const trim = (n: number): string => String(Number(n.toFixed(9)));

/** Go's %q of an int: a quoted rune. */
const goRune = (n: number): string =>
  n >= 0x20 && n < 0x7f
    ? `'${n === 0x27 || n === 0x5c ? '\\' : ''}${String.fromCharCode(n)}'`
    : `'\\x${n.toString(16).padStart(2, '0')}'`;

/** Exec form as is; shell form wrapped in the current SHELL. */
export function commandLine(form: CommandForm, shell: readonly string[]): string[] {
  return form.json ? form.args : [...shell, form.command];
}

export interface StageFlags {
  /** CMD was set in this stage (ENTRYPOINT then keeps it). */
  cmdSet: boolean;
}

/** Applies a metadata instruction to `config` (mutated); returns the history comment. */
export function applyMetadata(
  instr: Instruction,
  config: ImageConfigFile,
  expand: Expander,
  flags: StageFlags,
): string {
  const c = (config.config ??= {});
  const shell = c.Shell && c.Shell.length > 0 ? c.Shell : DEFAULT_SHELL;
  switch (instr.kind) {
    case 'env': {
      const pairs = instr.pairs.map((p) => ({ key: expand.word(p.key), value: expand.word(p.value ?? '') }));
      const env = [...(c.Env ?? [])];
      for (const { key, value } of pairs) {
        const i = env.findIndex((e) => e.split('=', 1)[0] === key);
        if (i >= 0) env[i] = `${key}=${value}`;
        else env.push(`${key}=${value}`);
      }
      c.Env = env;
      return `ENV ${pairs.map((p) => `${p.key}=${p.value}`).join(' ')}`;
    }
    case 'label': {
      const pairs = instr.pairs.map((p) => ({ key: expand.word(p.key), value: expand.word(p.value ?? '') }));
      c.Labels = { ...(c.Labels ?? {}) };
      for (const { key, value } of pairs) c.Labels[key] = value;
      return `LABEL ${pairs.map((p) => `${p.key}=${p.value}`).join(' ')}`;
    }
    case 'cmd': {
      c.Cmd = commandLine(instr.form, shell);
      flags.cmdSet = true;
      return `CMD ${goQuoteList(c.Cmd)}`;
    }
    case 'entrypoint': {
      c.Entrypoint = commandLine(instr.form, shell);
      if (!flags.cmdSet) c.Cmd = null;
      return `ENTRYPOINT ${goQuoteList(c.Entrypoint)}`;
    }
    case 'expose': {
      const ports = instr.ports.flatMap((p) => expand.words(p));
      c.ExposedPorts = { ...(c.ExposedPorts ?? {}) };
      for (const p of ports) {
        // go-connections' ParsePortSpec: the protocol, then the port or range (16 bits), in its words.
        const [spec = '', proto = 'tcp'] = p.split(/\/(.*)/s);
        if (!/^(tcp|udp|sctp)$/i.test(proto)) throw invalidArgument(`invalid proto: ${proto}`);
        const m = /^(\d+)(?:-(\d+))?$/.exec(spec);
        const from = Number(m?.[1]);
        const to = m?.[2] ? Number(m[2]) : from;
        if (!m || from > 65535 || to > 65535 || to < from) throw invalidArgument(`invalid containerPort: ${spec}`);
        for (let port = from; port <= to; port++) c.ExposedPorts[`${port}/${proto.toLowerCase()}`] = {};
      }
      return `EXPOSE ${ports.join(' ')}`;
    }
    case 'user':
      c.User = expand.word(instr.value);
      return `USER ${c.User}`;
    case 'volume': {
      const paths = instr.paths.map((p) => expand.word(p));
      c.Volumes = { ...(c.Volumes ?? {}) };
      for (const p of paths) c.Volumes[p] = {};
      return `VOLUME [${paths.join(' ')}]`;
    }
    case 'stopsignal':
      c.StopSignal = expand.word(instr.value);
      return `STOPSIGNAL ${c.StopSignal}`;
    case 'healthcheck': {
      const hc = {
        Test: instr.test,
        Interval: instr.interval,
        Timeout: instr.timeout,
        StartPeriod: instr.startPeriod,
        StartInterval: instr.startInterval,
        Retries: instr.retries,
      };
      const previous = c.Healthcheck;
      c.Healthcheck = instr.test[0] === 'NONE' ? { Test: ['NONE'] } : hc;
      // Docker keeps an earlier HEALTHCHECK's settings for fields this one leaves at zero.
      if (previous && instr.test[0] !== 'NONE') {
        for (const k of ['Interval', 'Timeout', 'StartPeriod', 'Retries'] as const)
          if (!c.Healthcheck[k] && previous[k]) c.Healthcheck[k] = previous[k];
      }
      const h = c.Healthcheck;
      return `HEALTHCHECK &{${goQuoteList(h.Test ?? [])} "${goDuration(h.Interval ?? 0)}" "${goDuration(h.Timeout ?? 0)}" "${goDuration(h.StartPeriod ?? 0)}" "${goDuration((h as { StartInterval?: number }).StartInterval ?? 0)}" ${goRune(h.Retries ?? 0)}}`;
    }
    case 'shell':
      c.Shell = instr.shell;
      return `SHELL [${instr.shell.join(' ')}]`;
    case 'maintainer':
      config.author = expand.word(instr.value);
      return `MAINTAINER ${config.author}`;
    case 'onbuild':
      c.OnBuild = [...(c.OnBuild ?? []), instr.expression];
      return `ONBUILD ${instr.expression}`;
    case 'arg':
      return `ARG ${instr.args.map((a) => (a.value === undefined ? a.key : `${a.key}=${a.value}`)).join(' ')}`;
    default:
      throw new Error(`not a metadata instruction: ${instr.kind}`);
  }
}

/** The history line of a metadata step. */
export const nopCreatedBy = (shell: readonly string[], comment: string): string =>
  [...shell, '#(nop) ', comment].join(' ');
