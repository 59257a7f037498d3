// Docker's word processing for Dockerfile arguments: quotes removed, the escape character honoured, and
// variables expanded: $a, ${a}, ${a:-word}, ${a-word}, ${a:+word}, ${a+word}, ${a:?message}, ${a?message}.
// Pure: the environment is passed in.
import { DockerfileParseError } from './errors.js';

export type Env = ReadonlyMap<string, string>;

export class ShellLex {
  private text = '';
  private pos = 0;

  constructor(
    private readonly escape: string,
    private readonly line = 0,
  ) {}

  /** One word: quotes and escapes removed, variables expanded, no splitting. */
  processWord(word: string, env: Env): string {
    return this.run(word, env, false).join('');
  }

  /** Several words: unquoted whitespace (also from unquoted expansions) separates them. */
  processWords(text: string, env: Env): string[] {
    return this.run(text, env, true);
  }

  private fail(message: string): never {
    throw new DockerfileParseError(this.line, message);
  }

  private run(text: string, env: Env, split: boolean): string[] {
    this.text = text;
    this.pos = 0;
    const words: string[] = [];
    let word = '';
    let started = false;
    const flush = (): void => {
      if (started) words.push(word);
      word = '';
      started = false;
    };
    while (this.pos < this.text.length) {
      const ch = this.text[this.pos] as string;
      if (split && /\s/.test(ch)) {
        flush();
        this.pos++;
        continue;
      }
      started = true;
      if (ch === this.escape) {
        this.pos++;
        if (this.pos >= this.text.length) word += ch;
        else word += this.text[this.pos++];
      } else if (ch === "'") word += this.singleQuoted();
      else if (ch === '"') word += this.doubleQuoted(env);
      else if (ch === '$') {
        const value = this.dollar(env);
        if (!split) word += value;
        else {
          // Unquoted expansions are split on whitespace.
          const parts = value.split(/\s+/);
          word += parts[0] ?? '';
          for (const part of parts.slice(1)) {
            if (word !== '') words.push(word);
            word = part;
          }
          if (word === '') started = false;
        }
      } else {
        word += ch;
        this.pos++;
      }
    }
    flush();
    return split ? words : [words.join('')];
  }

  private singleQuoted(): string {
    this.pos++;
    const end = this.text.indexOf("'", this.pos);
    if (end < 0) this.fail('unexpected end of statement while looking for matching single-quote');
    const out = this.text.slice(this.pos, end);
    this.pos = end + 1;
    return out;
  }

  private doubleQuoted(env: Env): string {
    this.pos++;
    let out = '';
    while (this.pos < this.text.length) {
      const ch = this.text[this.pos] as string;
      if (ch === '"') {
        this.pos++;
        return out;
      }
      if (ch === '$') {
        out += this.dollar(env);
        continue;
      }
      if (ch === this.escape) {
        const next = this.text[this.pos + 1];
        if (next === undefined) {
          this.pos++;
          continue;
        }
        if (next === '"' || next === '$' || next === this.escape) {
          out += next;
          this.pos += 2;
          continue;
        }
      }
      out += ch;
      this.pos++;
    }
    return this.fail('unexpected end of statement while looking for matching double-quote');
  }

  private name(): string {
    const m = /^[a-zA-Z0-9_]+/.exec(this.text.slice(this.pos));
    if (!m) return '';
    this.pos += m[0].length;
    return m[0];
  }

  /** At a `$`: the expansion, or a literal `$` when no name follows. */
  private dollar(env: Env): string {
    this.pos++;
    if (this.text[this.pos] !== '{') {
      const name = this.name();
      return name === '' ? '$' : (env.get(name) ?? '');
    }
    this.pos++;
    const name = this.name();
    if (name === '') this.fail(`missing ':' in substitution`);
    const ch = this.text[this.pos];
    if (ch === undefined) this.fail('syntax error: missing }');
    if (ch === '}') {
      this.pos++;
      return env.get(name) ?? '';
    }
    let op = '';
    if (ch === ':') {
      op = ':';
      this.pos++;
    }
    const modifier = this.text[this.pos];
    if (modifier !== '-' && modifier !== '+' && modifier !== '?')
      this.fail(`unsupported modifier (${op}${modifier ?? ''}) in substitution`);
    this.pos++;
    const word = this.braceWord(env);
    const value = env.get(name);
    const set = op === ':' ? value !== undefined && value !== '' : value !== undefined;
    if (modifier === '-') return set ? (value as string) : word;
    if (modifier === '+') return set ? word : '';
    if (!set) this.fail(`${name}: ${word || 'is not allowed to be unset'}`);
    return value as string;
  }

  /** The word inside ${a:-word}, up to the matching `}`; it is itself expanded. */
  private braceWord(env: Env): string {
    let out = '';
    while (this.pos < this.text.length) {
      const ch = this.text[this.pos] as string;
      if (ch === '}') {
        this.pos++;
        return out;
      }
      if (ch === '$') out += this.dollar(env);
      else if (ch === "'") out += this.singleQuoted();
      else if (ch === '"') out += this.doubleQuoted(env);
      else if (ch === this.escape && this.pos + 1 < this.text.length) {
        out += this.text[this.pos + 1];
        this.pos += 2;
      } else {
        out += ch;
        this.pos++;
      }
    }
    return this.fail('syntax error: missing }');
  }
}

/** An environment list (["A=b", ...]) as a map, later entries winning. */
export function envMap(env: readonly string[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const e of env) {
    const eq = e.indexOf('=');
    if (eq < 0) map.set(e, '');
    else map.set(e.slice(0, eq), e.slice(eq + 1));
  }
  return map;
}
