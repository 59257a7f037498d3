// Dockerfile text -> logical lines ("nodes"): parser directives (escape, syntax, check), comments, line
// continuations, heredocs and the leading --flags of each instruction. Pure: no I/O. Errors name the line
// with Docker's wording ("dockerfile parse error on line N: ...").
import { DockerfileParseError } from './errors.js';

export interface Heredoc {
  name: string;
  content: string;
  /** False when the delimiter was quoted: no variable expansion in the content. */
  expand: boolean;
  chomp: boolean;
}

export interface DockerfileNode {
  /** Lower-case instruction name. */
  instruction: string;
  /** First and last physical line (1-based). */
  line: number;
  endLine: number;
  /** Leading `--name[=value]` words. */
  flags: string[];
  /** Everything after the instruction name and its flags, continuations joined. */
  rest: string;
  /** The logical line as written (continuations joined, without heredoc bodies). */
  original: string;
  heredocs: Heredoc[];
}

/** Something the Dockerfile does that builds today but is deprecated (BuildKit shows it as a warning). */
export interface DockerfileWarning {
  short: string;
  detail: string[];
  url: string;
  /** First physical line of the instruction (1-based). */
  line: number;
}

export interface ParsedDockerfile {
  directives: { escape: string; syntax?: string; check?: string };
  nodes: DockerfileNode[];
  warnings: DockerfileWarning[];
}

const DIRECTIVE = /^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$/;
const KNOWN_DIRECTIVES = new Set(['escape', 'syntax', 'check']);
const HEREDOC_INSTRUCTIONS = new Set(['run', 'copy', 'add']);
const HEREDOC = /<<(-?)\s*(["']?)([a-zA-Z_][a-zA-Z0-9_]*)\2/g;

export const KNOWN_INSTRUCTIONS = new Set([
  'add',
  'arg',
  'cmd',
  'copy',
  'entrypoint',
  'env',
  'expose',
  'from',
  'healthcheck',
  'label',
  'maintainer',
  'onbuild',
  'run',
  'shell',
  'stopsignal',
  'user',
  'volume',
  'workdir',
]);

function parseDirectives(lines: string[]): { directives: ParsedDockerfile['directives']; next: number } {
  const directives: ParsedDockerfile['directives'] = { escape: '\\' };
  const seen = new Set<string>();
  let i = 0;
  for (; i < lines.length; i++) {
    const m = DIRECTIVE.exec(lines[i] ?? '');
    if (!m) break;
    const name = (m[1] as string).toLowerCase();
    const value = m[2] as string;
    if (!KNOWN_DIRECTIVES.has(name)) break;
    if (seen.has(name)) throw new DockerfileParseError(i + 1, `only one ${name} parser directive can be used`);
    seen.add(name);
    if (name === 'escape') {
      if (value !== '`' && value !== '\\')
        throw new DockerfileParseError(i + 1, `invalid escape token '${value}' does not match \` or \\`);
      directives.escape = value;
    } else if (name === 'syntax') directives.syntax = value;
    else directives.check = value;
  }
  return { directives, next: i };
}

const isComment = (line: string): boolean => /^\s*#/.test(line);
const isBlank = (line: string): boolean => line.trim() === '';

/** Splits the text into nodes. Throws DockerfileParseError. */
export function parseDockerfile(text: string): ParsedDockerfile {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const { directives, next } = parseDirectives(lines);
  const escape = directives.escape;
  const continuation = new RegExp(`${escape === '\\' ? '\\\\' : '`'}[ \\t]*$`);
  const nodes: DockerfileNode[] = [];
  const warnings: DockerfileWarning[] = [];
  let i = next;
  while (i < lines.length) {
    const first = lines[i] as string;
    if (isComment(first) || isBlank(first)) {
      i++;
      continue;
    }
    const start = i;
    let logical = '';
    let line = first;
    let emptyContinuation = false;
    for (;;) {
      if (continuation.test(line)) {
        logical += line.replace(continuation, '');
        i++;
        // Comments and blank lines inside a continuation are dropped (blank ones are deprecated).
        while (i < lines.length && (isComment(lines[i] as string) || isBlank(lines[i] as string))) {
          if (isBlank(lines[i] as string)) emptyContinuation = true;
          i++;
        }
        if (i >= lines.length) break;
        line = lines[i] as string;
        continue;
      }
      logical += line;
      i++;
      break;
    }
    const endLine = i;
    if (emptyContinuation) warnings.push(emptyContinuationWarning(logical, start + 1));
    const m = /^\s*(\S+)\s*([\s\S]*)$/.exec(logical);
    if (!m) continue;
    const word = m[1] as string;
    const instruction = word.toLowerCase();
    if (!KNOWN_INSTRUCTIONS.has(instruction))
      throw new DockerfileParseError(start + 1, `unknown instruction: ${word.toUpperCase()}`);
    const { flags, rest } = extractFlags((m[2] as string).trimEnd());
    const node: DockerfileNode = {
      instruction,
      line: start + 1,
      endLine,
      flags,
      rest,
      original: logical.trim(),
      heredocs: [],
    };
    if (HEREDOC_INSTRUCTIONS.has(instruction) || (instruction === 'onbuild' && /^\s*(run|copy|add)\b/i.test(rest))) {
      for (const h of rest.matchAll(HEREDOC)) {
        const chomp = h[1] === '-';
        const name = h[3] as string;
        const body: string[] = [];
        let closed = false;
        while (i < lines.length) {
          const raw = lines[i] as string;
          i++;
          const candidate = chomp ? raw.replace(/^\t+/, '') : raw;
          if (candidate === name) {
            closed = true;
            break;
          }
          body.push(candidate);
        }
        if (!closed) throw new DockerfileParseError(start + 1, `unterminated heredoc ${name}`);
        node.heredocs.push({ name, content: body.length ? `${body.join('\n')}\n` : '', expand: h[2] === '', chomp });
      }
      node.endLine = i;
    }
    nodes.push(node);
  }
  return { directives, nodes, warnings };
}

/** BuildKit's words (v0.11 parser) for a blank line inside a continued instruction. */
function emptyContinuationWarning(logical: string, line: number): DockerfileWarning {
  return {
    short: `Empty continuation line found in: ${logical.trim()}`,
    detail: ['Empty continuation lines will become errors in a future release'],
    url: 'https://github.com/moby/moby/pull/33719',
    line,
  };
}

/** Docker's leading builder flags: words starting with `--`, up to the first other word (or a bare `--`). */
function extractFlags(rest: string): { flags: string[]; rest: string } {
  const flags: string[] = [];
  let remaining = rest;
  for (;;) {
    const m = /^(--\S*)(\s+|$)/.exec(remaining);
    if (!m) break;
    const word = m[1] as string;
    remaining = remaining.slice(m[0].length);
    if (word === '--') break;
    flags.push(word);
  }
  return { flags, rest: remaining };
}
