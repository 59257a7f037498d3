// A build context that is not a directory of the client's (the frontend attribute `context`): buildx's stdin tar
// (`docker build - < ctx.tar`), which BuildKit reads from the client's session through the Upload service
// (`http://buildkit-session/<id>`), a git repository (git-context.ts), or an http(s) URL berthd fetches, as
// BuildKit's http source does. A download is saved to one file first; an archive (tar, gzip) is then unpacked
// through the one confined extractor as the context, anything else is the Dockerfile itself with an empty context
// (BuildKit's rule for a remote context).
import { createReadStream, createWriteStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createClient, ConnectError, Code } from '@connectrpc/connect';
import { Upload } from '../gen/buildkit/github.com/moby/buildkit/session/upload/upload_pb.js';
import { fetchUrl, isUrlSource } from '../builder/url-source.js';
import { archiveKind } from '../builder/add-archive.js';
import { openContext, receiveContext, type BuildContext } from '../builder/build-context.js';
import type { ClientSession } from './sessions.js';
import { checkoutGitContext, isGitContext } from './git-context.js';

/** BuildKit's upload provider names the session's streams `http://buildkit-session/<id>`. */
const SESSION_HOST = 'buildkit-session';

/** What `context=` names when it is not a git repository, or a refusal by name. */
export function remoteContextSource(value: string): { kind: 'session' | 'http'; url: URL } {
  let url: URL | undefined;
  try {
    url = isUrlSource(value) ? new URL(value) : undefined;
  } catch {
    url = undefined;
  }
  if (!url)
    throw new ConnectError(
      `a build context from ${value} is not supported by berth's BuildKit frontend (an http(s) URL, a git repository or the client's stdin)`,
      Code.Unimplemented,
    );
  return { kind: url.host === SESSION_HOST ? 'session' : 'http', url };
}

/** The client's stream (Upload.Pull, its URL path and host as metadata, as BuildKit asks) into `file`. */
async function pullFromSession(session: ClientSession, url: URL, file: string, signal: AbortSignal): Promise<void> {
  const client = createClient(Upload, session.transport);
  // The client sends nothing: the request side closes at once, the client writes its stream and ends.
  const replies = client.pull((async function* () {})(), {
    signal,
    headers: { urlpath: url.pathname, urlhost: url.host },
  });
  await pipeline(
    (async function* () {
      for await (const m of replies) yield m.data;
    })(),
    createWriteStream(file, { mode: 0o600 }),
    { signal },
  );
}

/**
 * The remote context unpacked into `dir` (empty, the build's own), with the Dockerfile named `filename` inside it,
 * or the downloaded file as the Dockerfile. `bytes` counts what arrived.
 */
export async function receiveRemoteContext(
  session: ClientSession,
  value: string,
  filename: string,
  dirs: { download: string; context: string },
  options: { signal: AbortSignal; gitPath: string | undefined },
): Promise<{ context: BuildContext; bytes: number }> {
  const { signal } = options;
  if (isGitContext(value)) {
    if (!options.gitPath)
      throw new ConnectError(
        `a git build context (${value}) needs git on the daemon's host (package git)`,
        Code.Unimplemented,
      );
    const root = await checkoutGitContext(value, dirs.context, { signal, gitPath: options.gitPath });
    return { context: await openContext(root, filename), bytes: 0 };
  }
  const source = remoteContextSource(value);
  let file: string;
  if (source.kind === 'session') {
    file = join(dirs.download, 'context');
    await pullFromSession(session, source.url, file, signal);
  } else file = (await fetchUrl(value, dirs.download, { signal })).hostPath;
  const { size: bytes } = await stat(file);
  const kind = await archiveKind(file);
  if (kind === 'bzip2' || kind === 'xz')
    throw new ConnectError(`a ${kind} build context is not supported by berth yet (tar or gzip)`, Code.Unimplemented);
  if (kind === undefined) {
    // BuildKit's rule: what is not an archive is the Dockerfile.
    const text = await readFile(file, 'utf8');
    return { context: { root: dirs.context, dockerfileText: text, dockerfileName: 'Dockerfile' }, bytes };
  }
  await receiveContext(createReadStream(file), dirs.context, { signal });
  return { context: await openContext(dirs.context, filename), bytes };
}
