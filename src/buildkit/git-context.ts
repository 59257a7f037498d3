// A git repository as the build context (`docker build git://host/repo.git#ref:subdir`), as BuildKit's git source
// takes it: the fragment's ref (a branch, tag or commit; the remote's HEAD when none) fetched at depth 1 into an
// empty directory, `.git` left out, and the subdirectory (resolved inside the checkout) as the context. Only the
// git, http and https transports are allowed (no ext::, file:: or ssh helpers), and git never prompts.
import { rm } from 'node:fs/promises';
import { ConnectError, Code } from '@connectrpc/connect';
import { runCaptured, type CommandError } from '../lib/run-captured.js';
import { resolveInRoot } from '../lib/fs/in-root.js';

/** buildx's (docker's urlutil) test: `git://`, `git@`, or an http(s) URL whose path ends in `.git`. */
export function isGitContext(value: string): boolean {
  if (value.startsWith('git://') || value.startsWith('git@')) return true;
  return /^https?:\/\/[^#]*\.git(?:#.*)?$/.test(value);
}

export interface GitRef {
  remote: string;
  ref: string | undefined;
  subdir: string;
}

/** `URL#REF:SUBDIR` split as BuildKit's gitutil does. */
export function parseGitRef(value: string): GitRef {
  const hash = value.indexOf('#');
  const remote = hash < 0 ? value : value.slice(0, hash);
  const fragment = hash < 0 ? '' : value.slice(hash + 1);
  const colon = fragment.indexOf(':');
  const ref = (colon < 0 ? fragment : fragment.slice(0, colon)) || undefined;
  const subdir = colon < 0 ? '' : fragment.slice(colon + 1);
  if (ref?.startsWith('-') || remote.startsWith('-'))
    throw new ConnectError(`invalid git context ${value}`, Code.InvalidArgument);
  return { remote, ref, subdir };
}

const GIT_CONFIG = [
  '-c',
  'protocol.allow=never',
  '-c',
  'protocol.git.allow=always',
  '-c',
  'protocol.http.allow=always',
  '-c',
  'protocol.https.allow=always',
];

/** Checks the repository out into `dir` (empty); returns the context root inside it. */
export async function checkoutGitContext(
  value: string,
  dir: string,
  { signal, gitPath }: { signal: AbortSignal; gitPath: string },
): Promise<string> {
  if (value.startsWith('git@'))
    throw new ConnectError(`a git context over ssh (${value}) is not supported by berth yet`, Code.Unimplemented);
  const { remote, ref, subdir } = parseGitRef(value);
  // No system or user config (a checked-out .gitconfig is never read either).
  const env = { GIT_TERMINAL_PROMPT: '0', GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', HOME: dir };
  const git = (args: string[]) => runCaptured(gitPath, [...GIT_CONFIG, ...args], { cwd: dir, env, signal });
  try {
    await git(['init', '-q', '.']);
    await git(['fetch', '-q', '--depth', '1', '--', remote, ref ?? 'HEAD']);
    await git(['checkout', '-q', 'FETCH_HEAD']);
  } catch (err) {
    const e = err as CommandError;
    if (e.name === 'AbortError') throw err;
    throw new ConnectError(
      `failed to fetch git context ${value}: ${(e.stderr ?? e.message).trim()}`,
      Code.FailedPrecondition,
    );
  }
  await rm(`${dir}/.git`, { recursive: true, force: true });
  return subdir ? resolveInRoot(dir, subdir) : dir;
}
