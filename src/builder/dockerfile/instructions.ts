// Nodes -> typed instructions, checked as Docker checks them (argument counts, flags, forms), grouped into
// stages. Variables are not expanded here: that needs the build's state (see shell-lex.ts). Pure.
import { DockerfileParseError } from './errors.js';
import { parseDockerfile, type DockerfileNode, type DockerfileWarning, type Heredoc } from './parser.js';
import { parseJsonArray, splitWords } from './words.js';

export interface KeyValue {
  key: string;
  /** Raw (quotes kept, variables unexpanded); undefined for `ARG name`. */
  value: string | undefined;
}

interface Base {
  line: number;
  /** The instruction as written (for Step N/M lines). */
  original: string;
}

export type CommandForm = { json: true; args: string[] } | { json: false; command: string };

export interface RunMount {
  type: 'bind' | 'cache' | 'tmpfs' | 'secret' | 'ssh';
  target: string;
  source?: string;
  from?: string;
  id?: string;
  readonly: boolean;
  sharing?: string;
  mode?: number;
  uid?: number;
  gid?: number;
  /** secret and ssh: a missing one fails the step (else the mount is left out). */
  required?: boolean;
}

const MOUNT_TYPES = new Set(['bind', 'cache', 'tmpfs', 'secret', 'ssh']);

export type Instruction =
  | (Base & { kind: 'from'; image: string; name: string | undefined; platform: string | undefined })
  | (Base & { kind: 'run'; form: CommandForm; mounts: RunMount[]; network: string | undefined; heredocs: Heredoc[] })
  | (Base & { kind: 'cmd' | 'entrypoint'; form: CommandForm })
  | (Base & { kind: 'shell'; shell: string[] })
  | (Base & { kind: 'env' | 'label'; pairs: KeyValue[] })
  | (Base & { kind: 'arg'; args: KeyValue[] })
  | (Base & {
      kind: 'copy' | 'add';
      sources: string[];
      dest: string;
      from: string | undefined;
      chown: string | undefined;
      chmod: string | undefined;
      /** ADD --checksum of its one http(s) source (labs syntax only, as BuildKit v0.11). */
      checksum?: string;
      heredocs: Heredoc[];
    })
  | (Base & { kind: 'expose'; ports: string[] })
  | (Base & { kind: 'user' | 'workdir' | 'stopsignal' | 'maintainer'; value: string })
  | (Base & { kind: 'volume'; paths: string[] })
  | (Base & { kind: 'onbuild'; expression: string })
  | (Base & {
      kind: 'healthcheck';
      test: string[];
      interval: number;
      timeout: number;
      startPeriod: number;
      startInterval: number;
      retries: number;
    });

export interface Stage {
  index: number;
  /** Lower-case `AS` name. */
  name: string | undefined;
  from: Extract<Instruction, { kind: 'from' }>;
  instructions: Instruction[];
}

export interface Dockerfile {
  escape: string;
  syntax: string | undefined;
  /** ARGs before the first FROM. */
  metaArgs: Extract<Instruction, { kind: 'arg' }>[];
  stages: Stage[];
  /** Deprecated forms the build goes on with (BuildKit's progress shows them). */
  warnings: DockerfileWarning[];
}

const ALLOWED_FLAGS: Record<string, string[]> = {
  from: ['platform'],
  run: ['mount', 'network', 'security'],
  // `--parents` and `--exclude` are Dockerfile labs flags (1.7-labs) that BuildKit v0.11's stable syntax does not
  // know: "Unknown flag", as there. `--link` builds as a plain COPY (the same files in the layer).
  copy: ['from', 'chown', 'chmod', 'link'],
  add: ['chown', 'chmod', 'link', 'keep-git-dir', 'checksum'],
  healthcheck: ['interval', 'timeout', 'start-period', 'start-interval', 'retries'],
};

function parseFlags(node: DockerfileNode): Map<string, string> {
  const allowed = ALLOWED_FLAGS[node.instruction] ?? [];
  const flags = new Map<string, string>();
  for (const flag of node.flags) {
    const eq = flag.indexOf('=');
    const name = flag.slice(2, eq < 0 ? undefined : eq);
    if (!allowed.includes(name)) throw new DockerfileParseError(node.line, `Unknown flag: ${name}`);
    const value = eq < 0 ? 'true' : flag.slice(eq + 1);
    if (name === 'mount' && flags.has('mount')) flags.set('mount', `${flags.get('mount') as string}\n${value}`);
    else flags.set(name, value);
  }
  return flags;
}

const upper = (node: DockerfileNode): string => node.instruction.toUpperCase();

function commandForm(node: DockerfileNode): CommandForm {
  const args = parseJsonArray(node.rest);
  return args ? { json: true, args } : { json: false, command: node.rest };
}

function keyValues(node: DockerfileNode, escape: string): KeyValue[] {
  const words = splitWords(node.rest, escape);
  const name = upper(node);
  if (words.length === 0) throw new DockerfileParseError(node.line, `${name} requires at least one argument`);
  // Legacy form: ENV key value with spaces
  if (!(words[0] as string).includes('=')) {
    if (words.length < 2) throw new DockerfileParseError(node.line, `${name} must have two arguments`);
    const key = words[0] as string;
    const value = node.rest.trimStart().slice(key.length).trimStart();
    return [{ key, value }];
  }
  return words.map((word) => {
    const eq = word.indexOf('=');
    if (eq < 0)
      throw new DockerfileParseError(
        node.line,
        `Syntax error - can't find = in "${word}". Must be of the form: name=value`,
      );
    if (eq === 0) throw new DockerfileParseError(node.line, `${name} names can not be blank`);
    return { key: word.slice(0, eq), value: word.slice(eq + 1) };
  });
}

const DURATION_UNITS: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** A Go duration ("30s", "1m30s") in nanoseconds. */
export function parseGoDuration(text: string): number | undefined {
  if (text === '0') return 0;
  if (!/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(text)) return undefined;
  let total = 0;
  for (const [, n, unit] of text.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g))
    total += Number(n) * (DURATION_UNITS[unit as string] as number);
  return Math.round(total);
}

function healthcheck(node: DockerfileNode, flags: Map<string, string>): Extract<Instruction, { kind: 'healthcheck' }> {
  const base = { kind: 'healthcheck' as const, line: node.line, original: node.original };
  const words = node.rest.trim().split(/\s+/);
  const type = (words[0] ?? '').toUpperCase();
  if (type === 'NONE') {
    if (words.length > 1) throw new DockerfileParseError(node.line, 'HEALTHCHECK NONE takes no arguments');
    return { ...base, test: ['NONE'], interval: 0, timeout: 0, startPeriod: 0, startInterval: 0, retries: 0 };
  }
  if (type !== 'CMD') throw new DockerfileParseError(node.line, `Unknown type "${type}" in HEALTHCHECK (try CMD)`);
  const cmd = node.rest.trim().slice(3).trim();
  if (cmd === '') throw new DockerfileParseError(node.line, 'Missing command after HEALTHCHECK CMD');
  const json = parseJsonArray(cmd);
  const duration = (name: string): number => {
    const raw = flags.get(name);
    if (raw === undefined) return 0;
    const value = parseGoDuration(raw);
    if (value === undefined) throw new DockerfileParseError(node.line, `time: invalid duration "${raw}"`);
    if (value !== 0 && value < 1e6)
      throw new DockerfileParseError(node.line, `Interval "${name}" cannot be less than 1ms`);
    return value;
  };
  const retriesRaw = flags.get('retries');
  const retries = retriesRaw === undefined ? 0 : Number(retriesRaw);
  if (!Number.isInteger(retries))
    throw new DockerfileParseError(node.line, `strconv.ParseInt: parsing "${retriesRaw}": invalid syntax`);
  if (retries < 0) throw new DockerfileParseError(node.line, '--retries cannot be negative');
  return {
    ...base,
    test: json ? ['CMD', ...json] : ['CMD-SHELL', cmd],
    interval: duration('interval'),
    timeout: duration('timeout'),
    startPeriod: duration('start-period'),
    startInterval: duration('start-interval'),
    retries,
  };
}

/** `--mount=type=cache,target=/x,id=y` as Docker's RUN --mount reads it. */
function runMount(spec: string, line: number): RunMount {
  const mount: RunMount = { type: 'bind', target: '', readonly: true };
  let readonlySet = false;
  for (const field of spec.split(',')) {
    const eq = field.indexOf('=');
    const key = (eq < 0 ? field : field.slice(0, eq)).toLowerCase();
    const value = eq < 0 ? 'true' : field.slice(eq + 1);
    switch (key) {
      case 'type':
        if (!MOUNT_TYPES.has(value)) throw new DockerfileParseError(line, `unsupported mount type "${value}"`);
        mount.type = value as RunMount['type'];
        break;
      case 'target':
      case 'dst':
      case 'destination':
        mount.target = value;
        break;
      case 'source':
      case 'src':
        mount.source = value;
        break;
      case 'from':
        mount.from = value;
        break;
      case 'id':
        mount.id = value;
        break;
      case 'sharing':
        mount.sharing = value;
        break;
      case 'readonly':
      case 'ro':
        mount.readonly = value !== 'false';
        readonlySet = true;
        break;
      case 'rw':
      case 'readwrite':
        mount.readonly = value === 'false';
        readonlySet = true;
        break;
      case 'mode':
        mount.mode = parseInt(value, 8);
        break;
      case 'uid':
        mount.uid = Number(value);
        break;
      case 'gid':
        mount.gid = Number(value);
        break;
      case 'required':
        mount.required = value !== 'false';
        break;
      default:
        throw new DockerfileParseError(line, `unexpected key '${key}' in '${field}'`);
    }
  }
  if (mount.type === 'secret' || mount.type === 'ssh') return secretOrSsh(mount, line);
  if (!mount.target) throw new DockerfileParseError(line, 'mount target must be set');
  if (mount.type === 'cache' && !readonlySet) mount.readonly = false;
  if (mount.type === 'tmpfs') mount.readonly = false;
  return mount;
}

/**
 * BuildKit's defaults: a secret's id is its target's base name and its target /run/secrets/<id> (mode 0400);
 * ssh's id is "default" and its target /run/buildkit/ssh_agent.<n>, numbered when the step runs (mode 0600).
 */
function secretOrSsh(mount: RunMount, line: number): RunMount {
  if (mount.type === 'secret') {
    if (!mount.id && !mount.target) throw new DockerfileParseError(line, 'one of source, target required');
    mount.id ||= mount.target.split('/').filter(Boolean).at(-1);
    mount.target ||= `/run/secrets/${mount.id as string}`;
  } else mount.id ||= 'default';
  mount.mode ??= mount.type === 'secret' ? 0o400 : 0o600;
  mount.readonly = true;
  mount.required ??= false;
  return mount;
}

export function toInstruction(node: DockerfileNode, escape: string, syntax: { labs?: boolean } = {}): Instruction {
  const flags = parseFlags(node);
  const base = { line: node.line, original: node.original };
  const name = upper(node);
  const words = (): string[] => splitWords(node.rest, escape);
  switch (node.instruction) {
    case 'from': {
      const w = words();
      if (w.length !== 1 && !(w.length === 3 && (w[1] as string).toLowerCase() === 'as'))
        throw new DockerfileParseError(node.line, 'FROM requires either one or three arguments');
      const stage = w.length === 3 ? (w[2] as string).toLowerCase() : undefined;
      if (stage !== undefined && !/^[a-z][a-z0-9-_.]*$/.test(stage))
        throw new DockerfileParseError(
          node.line,
          `invalid name for build stage: "${w[2] as string}", name can't start with a number or contain symbols`,
        );
      return { ...base, kind: 'from', image: w[0] as string, name: stage, platform: flags.get('platform') };
    }
    case 'run': {
      if (node.rest.trim() === '') throw new DockerfileParseError(node.line, 'RUN requires at least one argument');
      const mounts = (flags.get('mount') ?? '')
        .split('\n')
        .filter(Boolean)
        .map((m) => runMount(m, node.line));
      const network = flags.get('network');
      if (network !== undefined && !['default', 'none', 'host'].includes(network))
        throw new DockerfileParseError(node.line, `unsupported network mode "${network}"`);
      return { ...base, kind: 'run', form: commandForm(node), mounts, network, heredocs: node.heredocs };
    }
    case 'cmd':
    case 'entrypoint':
      return { ...base, kind: node.instruction, form: commandForm(node) };
    case 'shell': {
      const shell = parseJsonArray(node.rest);
      if (!shell) throw new DockerfileParseError(node.line, 'SHELL requires the arguments to be in JSON form');
      if (shell.length === 0) throw new DockerfileParseError(node.line, 'SHELL requires at least one argument');
      return { ...base, kind: 'shell', shell };
    }
    case 'env':
    case 'label':
      return { ...base, kind: node.instruction, pairs: keyValues(node, escape) };
    case 'arg': {
      const w = words();
      if (w.length === 0) throw new DockerfileParseError(node.line, 'ARG requires at least one argument');
      return {
        ...base,
        kind: 'arg',
        args: w.map((word) => {
          const eq = word.indexOf('=');
          return eq < 0 ? { key: word, value: undefined } : { key: word.slice(0, eq), value: word.slice(eq + 1) };
        }),
      };
    }
    case 'copy':
    case 'add': {
      const list = parseJsonArray(node.rest) ?? words();
      const heredocNames = new Set(node.heredocs.map((h) => h.name));
      const sources = list.slice(0, -1).map((s) => {
        const m = /^<<-?["']?([a-zA-Z_][a-zA-Z0-9_]*)["']?$/.exec(s);
        return m && heredocNames.has(m[1] as string) ? `<<${m[1] as string}` : s;
      });
      if (list.length < 2)
        throw new DockerfileParseError(
          node.line,
          `${name} requires at least two arguments, but only one was provided. Destination could not be determined.`,
        );
      const from = flags.get('from');
      if (node.instruction === 'add' && from !== undefined)
        throw new DockerfileParseError(node.line, 'Unknown flag: from');
      // Refused by name, never dropped: berth fetches no git source, and ADD of a URL is refused when it runs.
      if (flags.has('keep-git-dir'))
        throw new DockerfileParseError(
          node.line,
          'ADD --keep-git-dir is not supported by berth (it applies to git sources, which berth does not fetch)',
        );
      const checksum = flags.get('checksum');
      if (checksum !== undefined) checkChecksum(node.line, checksum, sources, syntax.labs === true);
      return {
        ...base,
        kind: node.instruction,
        sources,
        dest: list[list.length - 1] as string,
        from,
        chown: flags.get('chown'),
        chmod: flags.get('chmod'),
        ...(checksum !== undefined ? { checksum } : {}),
        heredocs: node.heredocs,
      };
    }
    case 'expose': {
      const ports = words();
      if (ports.length === 0) throw new DockerfileParseError(node.line, 'EXPOSE requires at least one argument');
      return { ...base, kind: 'expose', ports };
    }
    case 'user':
    case 'workdir':
    case 'stopsignal':
    case 'maintainer': {
      const value = node.rest.trim();
      if (value === '') throw new DockerfileParseError(node.line, `${name} requires exactly one argument`);
      if ((node.instruction === 'user' || node.instruction === 'stopsignal') && words().length !== 1)
        throw new DockerfileParseError(node.line, `${name} requires exactly one argument`);
      return { ...base, kind: node.instruction, value };
    }
    case 'volume': {
      const paths = parseJsonArray(node.rest) ?? words();
      if (paths.length === 0) throw new DockerfileParseError(node.line, 'VOLUME requires at least one argument');
      if (paths.some((p) => p.trim() === ''))
        throw new DockerfileParseError(node.line, 'VOLUME specified can not be an empty string');
      return { ...base, kind: 'volume', paths };
    }
    case 'onbuild': {
      const expression = node.rest.trim();
      const trigger = (expression.split(/\s+/)[0] ?? '').toUpperCase();
      if (trigger === '') throw new DockerfileParseError(node.line, 'ONBUILD requires at least one argument');
      if (trigger === 'ONBUILD')
        throw new DockerfileParseError(node.line, "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
      if (trigger === 'FROM' || trigger === 'MAINTAINER')
        throw new DockerfileParseError(node.line, `${trigger} isn't allowed as an ONBUILD trigger`);
      return { ...base, kind: 'onbuild', expression };
    }
    case 'healthcheck':
      return healthcheck(node, flags);
    default:
      throw new DockerfileParseError(node.line, `unknown instruction: ${name}`);
  }
}

/**
 * ADD --checksum as BuildKit v0.11's Dockerfile frontend takes it: a digest (go-digest's words when it is not
 * one), only with the labs syntax (`# syntax=docker/dockerfile:1-labs`; the stable channel has it from 1.6), for
 * exactly one http(s) source.
 */
function checkChecksum(line: number, checksum: string, sources: string[], labs: boolean): void {
  const colon = checksum.indexOf(':');
  if (colon <= 0 || colon === checksum.length - 1)
    throw new DockerfileParseError(line, 'invalid checksum digest format');
  const algorithm = checksum.slice(0, colon);
  const lengths: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };
  const length = lengths[algorithm];
  if (length === undefined) throw new DockerfileParseError(line, 'unsupported digest algorithm');
  if (checksum.length - colon - 1 !== length) throw new DockerfileParseError(line, 'invalid checksum digest length');
  if (!/^[a-f0-9]*$/.test(checksum.slice(colon + 1)))
    throw new DockerfileParseError(line, 'invalid checksum digest format');
  if (!labs) throw new DockerfileParseError(line, "instruction 'ADD --checksum=<CHECKSUM>' requires the labs channel");
  if (sources.length !== 1) throw new DockerfileParseError(line, "checksum can't be specified for multiple sources");
  if (!/^https?:\/\//.test(sources[0] as string))
    throw new DockerfileParseError(line, "checksum can't be specified for non-HTTP sources");
}

/** Parses a whole Dockerfile into meta ARGs and stages. */
export function parseStages(text: string): Dockerfile {
  const parsed = parseDockerfile(text);
  const escape = parsed.directives.escape;
  const metaArgs: Dockerfile['metaArgs'] = [];
  const stages: Stage[] = [];
  for (const node of parsed.nodes) {
    const instruction = toInstruction(node, escape, { labs: /labs$/.test(parsed.directives.syntax ?? '') });
    if (instruction.kind === 'from') {
      stages.push({ index: stages.length, name: instruction.name, from: instruction, instructions: [] });
      continue;
    }
    const current = stages[stages.length - 1];
    if (current) current.instructions.push(instruction);
    else if (instruction.kind === 'arg') metaArgs.push(instruction);
    else throw new DockerfileParseError(node.line, `no build stage in current context`);
  }
  if (stages.length === 0) throw new DockerfileParseError(parsed.nodes[0]?.line ?? 1, 'file with no instructions');
  const names = new Set<string>();
  for (const s of stages) {
    if (s.name === undefined) continue;
    if (names.has(s.name)) throw new DockerfileParseError(s.from.line, `duplicate stage name "${s.name}"`);
    names.add(s.name);
  }
  return { escape, syntax: parsed.directives.syntax, metaArgs, stages, warnings: parsed.warnings };
}
