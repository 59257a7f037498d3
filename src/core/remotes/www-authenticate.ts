// WWW-Authenticate challenges (RFC 7235) as registries send them: `Bearer realm="...",service="...",
// scope="..."` for the token flow Docker Hub uses, `Basic realm="..."` for htpasswd registries.

export interface AuthChallenge {
  /** Lower-case scheme: "bearer", "basic". */
  scheme: string;
  params: Record<string, string>;
}

/** Parses one header value, which may hold several challenges. Unknown syntax yields what could be read. */
export function parseWwwAuthenticate(header: string): AuthChallenge[] {
  const out: AuthChallenge[] = [];
  let i = 0;
  const s = header;
  const skipSpace = (): void => {
    while (i < s.length && (s[i] === ' ' || s[i] === '\t')) i++;
  };
  const token = (): string => {
    const start = i;
    while (i < s.length && /[!#$%&'*+\-.^_`|~0-9A-Za-z]/.test(s[i] as string)) i++;
    return s.slice(start, i);
  };
  while (i < s.length) {
    skipSpace();
    if (s[i] === ',') {
      i++;
      continue;
    }
    const scheme = token();
    if (!scheme) break;
    const challenge: AuthChallenge = { scheme: scheme.toLowerCase(), params: {} };
    out.push(challenge);
    // auth-params: name=value pairs separated by commas, until the next scheme token (a token not followed by '=').
    for (;;) {
      skipSpace();
      const mark = i;
      const name = token();
      skipSpace();
      if (!name || s[i] !== '=') {
        i = mark;
        break;
      }
      i++;
      skipSpace();
      let value = '';
      if (s[i] === '"') {
        i++;
        while (i < s.length && s[i] !== '"') {
          if (s[i] === '\\' && i + 1 < s.length) i++;
          value += s[i];
          i++;
        }
        i++;
      } else value = token();
      challenge.params[name.toLowerCase()] = value;
      skipSpace();
      if (s[i] === ',') i++;
      else break;
    }
  }
  return out;
}

/** The scope string of the token flow: `repository:team/app:pull,push`. */
export const repositoryScope = (path: string, actions: readonly string[]): string =>
  `repository:${path}:${actions.join(',')}`;
