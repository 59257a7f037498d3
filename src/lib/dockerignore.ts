// .dockerignore as Docker reads it (moby's ignorefile and patternmatcher): one pattern a line; a line that
// starts with `#` (before any trimming) is a comment; `!` re-includes; paths cleaned and taken relative to the
// context root; `*` and `?` stay within one path segment, `**` spans any number of them; `[...]` is a Go
// character class (`^` negates, `!` does not); a pattern that matches a directory matches everything under it.
// The last matching pattern decides.
import { posix } from 'node:path';

export interface IgnorePattern {
  exclusion: boolean;
  regexp: RegExp;
  pattern: string;
}

export function parseDockerignore(text: string): IgnorePattern[] {
  const patterns: IgnorePattern[] = [];
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line0 = i === 0 ? raw.replace(/^\uFEFF/, '') : raw;
    if (line0.startsWith('#')) continue;
    let line = line0.trim();
    if (line === '') continue;
    const exclusion = line.startsWith('!');
    if (exclusion) line = line.slice(1).trim();
    // A lone `!` is an error for Docker's pattern matcher; nothing can match it here.
    if (line === '') continue;
    let pattern = posix.normalize(line);
    if (pattern.length > 1 && pattern.startsWith('/')) pattern = pattern.slice(1);
    if (pattern.length > 1 && pattern.endsWith('/')) pattern = pattern.slice(0, -1);
    patterns.push({ exclusion, regexp: toRegExp(pattern), pattern });
  }
  return patterns;
}

function toRegExp(pattern: string): RegExp {
  let out = '^';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] as string;
    if (ch === '*') {
      if (pattern[i + 1] === '*') {
        i++;
        if (pattern[i + 1] === '/') i++;
        out += i + 1 >= pattern.length ? '.*' : '(.*/)?';
      } else out += '[^/]*';
    } else if (ch === '?') out += '[^/]';
    else if (ch === '\\' && i + 1 < pattern.length) {
      i++;
      out += (pattern[i] as string).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    } else if (ch === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) out += '\\[';
      else {
        // Passed to the regexp as moby passes it: Go's `[^...]` negates, a leading `!` is a literal.
        const cls = pattern.slice(i + 1, end);
        out += `[${cls.replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else out += ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`${out}$`);
}

/** True when the context-relative path (slash-separated, no leading `/`) is excluded. */
export function isIgnored(patterns: readonly IgnorePattern[], path: string): boolean {
  const clean = posix.normalize(path).replace(/^\/+/, '');
  const parents: string[] = [];
  const parts = clean.split('/');
  for (let i = 1; i < parts.length; i++) parents.push(parts.slice(0, i).join('/'));
  let matched = false;
  for (const p of patterns) {
    if (p.exclusion !== matched) continue;
    if (p.regexp.test(clean) || parents.some((d) => p.regexp.test(d))) matched = !p.exclusion;
  }
  return matched;
}

/**
 * Whether a walk must still look inside an excluded directory: some `!` pattern names a path under it (Docker's
 * archiver descends then, adding only what is re-included, never the directory entry itself).
 */
export function mayReinclude(patterns: readonly IgnorePattern[], dir: string): boolean {
  const prefix = `${posix.normalize(dir).replace(/^\/+/, '')}/`;
  return patterns.some((p) => p.exclusion && `${p.pattern}/`.startsWith(prefix));
}
