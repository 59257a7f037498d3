// The classic build protocol straight over an engine's socket (as docker-py and dockerode speak it): a context
// tar made from a file map, POST /build with query and headers, the JSON-lines reply parsed. Used to run one
// scenario against berthd and Docker's engine alike.
import { request } from 'node:http';
import tar from 'tar-stream';
import { useDaemon, useDockerd, type UseDockerdOptions } from './use-daemon.js';

export interface Engine {
  name: 'berthd' | 'dockerd';
  socketPath: string;
  /** DOCKER_HOST for the docker CLI. */
  env: NodeJS.ProcessEnv;
}

/**
 * berthd and Docker's engine side by side for the same builds, as Engines (berthd first): useDaemon and useDockerd,
 * busybox loaded in both, the daemons stopped after the file's tests. Registers the file's hooks.
 */
export function useBuildEngines(skip: string | false, dockerd: UseDockerdOptions = {}): Engine[] {
  const b = useDaemon(skip);
  const d = useDockerd(skip, dockerd);
  return [
    {
      name: 'berthd',
      get socketPath() {
        return b.socketPath;
      },
      get env() {
        return b.env;
      },
    },
    {
      name: 'dockerd',
      get socketPath() {
        return d.socketPath;
      },
      get env() {
        return d.env;
      },
    },
  ];
}

export interface BuildReply {
  status: number;
  /** Parsed JSON lines (or, for a refused request, the one error body). */
  messages: Record<string, unknown>[];
  /** The `stream` texts joined: what the docker CLI prints. */
  text: string;
  error: string | undefined;
  /** The built image's ID (aux), when it succeeded. */
  id: string | undefined;
}

export type Query = Record<string, string | string[] | undefined>;

/** A tar of `files` (path -> text); directories are implied. */
export async function contextTar(files: Record<string, string>): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (c: unknown) => void chunks.push(c as Buffer));
  const done = new Promise<void>((resolve, reject) => {
    pack.on('end', resolve);
    pack.on('error', reject);
  });
  for (const [name, text] of Object.entries(files)) pack.entry({ name, mode: 0o644, mtime: new Date(0) }, text);
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

function queryString(query: Query): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined) continue;
    for (const one of Array.isArray(v) ? v : [v]) params.append(k, one);
  }
  return params.toString();
}

/** POST /v1.41/build (the newest version both engines speak). */
export function apiBuild(
  engine: Engine,
  body: Buffer,
  query: Query = {},
  headers: Record<string, string> = {},
  options: { path?: string; onText?: (text: string) => void } = {},
): Promise<BuildReply> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        socketPath: engine.socketPath,
        path: `${options.path ?? '/v1.41/build'}?${queryString(query)}`,
        method: 'POST',
        headers: { 'Content-Type': 'application/x-tar', ...headers },
      },
      (res) => {
        let raw = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          raw += c;
          options.onText?.(raw);
        });
        res.on('end', () => {
          const messages = raw
            .split(/\r?\n/)
            .filter((l) => l.trim() !== '')
            .flatMap((l) => l.replace(/}\s*{/g, '}\n{').split('\n'))
            .map((l) => JSON.parse(l) as Record<string, unknown>);
          const text = messages.map((m) => (typeof m.stream === 'string' ? m.stream : '')).join('');
          const errorLine = messages.find(
            (m) => typeof m.error === 'string' || (res.statusCode !== 200 && typeof m.message === 'string'),
          );
          const aux = messages.find((m) => typeof (m.aux as { ID?: string } | undefined)?.ID === 'string');
          resolve({
            status: res.statusCode ?? 0,
            messages,
            text,
            error: errorLine ? String(errorLine.error ?? errorLine.message) : undefined,
            id: aux ? (aux.aux as { ID: string }).ID : undefined,
          });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** One Engine API call with a JSON reply (or text), for checks around builds. */
export function api(
  engine: Engine,
  method: string,
  path: string,
): Promise<{ status: number; body: string; json: () => unknown }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: engine.socketPath, path, method }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, json: () => JSON.parse(body) as unknown }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** The stream output of RUN steps only (between "Running in" and the next " ---> "), for comparing engines. */
export function runOutput(text: string): string {
  const out: string[] = [];
  for (const block of text.split(/ ---> Running in [0-9a-f]{12}\n/).slice(1)) {
    const end = block.search(/(?:^|(?<=\n))(?: ---> |Removing intermediate container )/);
    out.push(end < 0 ? block : block.slice(0, end));
  }
  return out.join('');
}

/** A build that must succeed: status 200, no error line, an image ID. */
export function ok(r: BuildReply, what: string): BuildReply {
  if (r.status !== 200 || r.error !== undefined || !r.id)
    throw new Error(`${what}: build failed (${r.status}): ${r.error ?? ''}\n${r.text}`);
  return r;
}

export const buildFiles = (
  engine: Engine,
  files: Record<string, string>,
  query: Query = {},
  headers: Record<string, string> = {},
): Promise<BuildReply> => contextTar(files).then((tar) => apiBuild(engine, tar, query, headers));

/** Ids of every container on the engine. */
export async function containerIds(engine: Engine): Promise<string[]> {
  const list = (await api(engine, 'GET', '/containers/json?all=1')).json() as { Id: string }[];
  return list.map((c) => c.Id);
}

export async function removeAllContainers(engine: Engine): Promise<void> {
  for (const id of await containerIds(engine)) {
    const r = await api(engine, 'DELETE', `/containers/${id}?force=1`);
    if (r.status !== 204) throw new Error(`removing ${id} on ${engine.name}: ${r.status} ${r.body}`);
  }
}
