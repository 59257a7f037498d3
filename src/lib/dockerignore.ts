// .dockerignore as Docker reads it (moby's patternmatcher): one pattern a line, `#` comments, `!` re-includes,
// paths cleaned and taken relative to the context root; `*` and `?` stay within one path segment, `**` spans
// any number of them; a pattern that matches a directory matches everything under it. The last matching
// pattern decides.
import { posix } from 'node:path';

export interface IgnorePattern {
  exclusion: boolean;
  regexp: RegExp;
  pattern: string;
}

export function parseDockerignore(text: string): IgnorePattern[] {
  const patterns: IgnorePattern[] = [];
  for (const raw of text.split(/\r?\n/)) {
    let line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const exclusion = line.startsWith('!');
    if (exclusion) line = line.slice(1).trim();
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
        let cls = pattern.slice(i + 1, end);
        if (cls.startsWith('!')) cls = `^${cls.slice(1)}`;
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
