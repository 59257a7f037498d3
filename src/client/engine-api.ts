// The typed Engine API client shared by the CLI (over a unix socket) and the dashboard (over fetch): one method per
// operation, whose path, method, query, path parameters, JSON body and answer are checked against the generated
// v1.47 types. How a request travels is the transport's business; streams come back as the transport's own
// response (Node's IncomingMessage, the browser's Response) with the body unread. No Node or DOM imports here.
import type {
  ApiPath,
  ContainerCreateBody,
  ContainerStats,
  ExecStartBody,
  HeadersOf,
  HttpMethod,
  JsonBodyOf,
  MethodsOf,
  NetworkCreateBody,
  OperationAt,
  PathParamsOf,
  QueryOf,
  ResultOf,
} from './engine-types.js';

export type QueryValue = string | number | boolean | undefined | string[];

/** One request as the transport sends it: the path filled in, without the version prefix. */
export interface ApiRequest<Upload> {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'HEAD';
  path: string;
  query?: Record<string, QueryValue>;
  /** A JSON body. */
  body?: unknown;
  /** A raw body (tar and the like) streamed to the daemon. */
  upload?: Upload;
  contentType?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** Sends requests; every method throws ApiError for an answer of 400 or more. */
export interface Transport<Res, Upload> {
  /** The response once it succeeded, its body unread. */
  request(req: ApiRequest<Upload>): Promise<Res>;
  /** The parsed JSON body (undefined when empty). */
  json(req: ApiRequest<Upload>): Promise<unknown>;
  /** The body as text. */
  text(req: ApiRequest<Upload>): Promise<string>;
  /** The body read and dropped (204s, 304s). */
  discard(req: ApiRequest<Upload>): Promise<void>;
}

/** An error answered by the daemon, carrying its status and message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Docker's query conventions: booleans as 1/0, arrays as repeated keys, undefined left out. */
export function encodeQuery(query: Record<string, QueryValue> = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) params.append(key, v);
    else params.append(key, typeof value === 'boolean' ? (value ? '1' : '0') : String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** What a call may carry, typed by the operation it names. */
export interface CallOptions<O, Upload> {
  path?: PathParamsOf<O>;
  query?: QueryOf<O>;
  body?: JsonBodyOf<O>;
  headers?: Partial<Record<Extract<keyof HeadersOf<O>, string>, string>> & Record<string, string>;
  upload?: Upload;
  contentType?: string;
  signal?: AbortSignal;
}

/** Per-call extras that are not part of the operation (cancellation). */
export interface Signal {
  signal?: AbortSignal;
}

type Op<P extends ApiPath, M extends HttpMethod> = OperationAt<P, M>;
/** A query whose fields K Docker's daemon reads more widely than the swagger types them. */
type Widened<Q, K extends keyof Q, T> = Omit<Q, K> & { [F in K]?: T };
/** stop/restart `t`: the user's text, judged by the daemon. */
type StopQuery = Widened<QueryOf<Op<'/containers/{id}/stop', 'post'>>, 't', number | string>;
/** logs `since`/`until`: Docker reads "seconds.nanoseconds" as the docker CLI sends them. */
type LogsQuery = Widened<QueryOf<Op<'/containers/{id}/logs', 'get'>>, 'since' | 'until', number | string>;
/** commit `changes`: Docker reads every repeated value, as the docker CLI sends them. */
type CommitQuery = Widened<QueryOf<Op<'/commit', 'post'>>, 'changes', string | string[]>;
/** build `t`: one value per tag, repeated. */
/** `session` (the BuildKit session a version=2 build uses) is a real query parameter the swagger leaves out. */
type BuildQuery = Widened<QueryOf<Op<'/build', 'post'>>, 't', string | string[]> & { session?: string };

function fillPath(template: string, params: unknown): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = (params as Record<string, unknown> | undefined)?.[name];
    if (value === undefined) throw new Error(`missing path parameter ${name} for ${template}`);
    return encodeURIComponent(String(value));
  });
}

export class EngineApi<Res, Upload> {
  constructor(protected readonly transport: Transport<Res, Upload>) {}

  /** The request for an operation of the spec: only paths and methods it defines compile. */
  protected build<P extends ApiPath, M extends MethodsOf<P>>(
    method: M,
    template: P,
    call: CallOptions<Op<P, M>, Upload> = {},
  ): ApiRequest<Upload> {
    const req: ApiRequest<Upload> = {
      method: method.toUpperCase() as ApiRequest<Upload>['method'],
      path: fillPath(template, call.path),
    };
    if (call.query) req.query = call.query as Record<string, QueryValue>;
    if (call.body !== undefined) req.body = call.body;
    if (call.upload !== undefined) req.upload = call.upload;
    if (call.contentType) req.contentType = call.contentType;
    if (call.headers) req.headers = call.headers as Record<string, string>;
    if (call.signal) req.signal = call.signal;
    return req;
  }

  protected callJson<P extends ApiPath, M extends MethodsOf<P>>(
    method: M,
    template: P,
    call?: CallOptions<Op<P, M>, Upload>,
  ): Promise<ResultOf<Op<P, M>>> {
    return this.transport.json(this.build(method, template, call)) as Promise<ResultOf<Op<P, M>>>;
  }

  protected callText<P extends ApiPath, M extends MethodsOf<P>>(
    method: M,
    template: P,
    call?: CallOptions<Op<P, M>, Upload>,
  ): Promise<string> {
    return this.transport.text(this.build(method, template, call));
  }

  protected callStream<P extends ApiPath, M extends MethodsOf<P>>(
    method: M,
    template: P,
    call?: CallOptions<Op<P, M>, Upload>,
  ): Promise<Res> {
    return this.transport.request(this.build(method, template, call));
  }

  protected callVoid<P extends ApiPath, M extends MethodsOf<P>>(
    method: M,
    template: P,
    call?: CallOptions<Op<P, M>, Upload>,
  ): Promise<void> {
    return this.transport.discard(this.build(method, template, call));
  }

  readonly containers = {
    list: (query?: QueryOf<Op<'/containers/json', 'get'>>, o: Signal = {}) =>
      this.callJson('get', '/containers/json', { query, ...o }),
    create: (body: ContainerCreateBody, query?: QueryOf<Op<'/containers/create', 'post'>>) =>
      this.callJson('post', '/containers/create', { body, query }),
    inspect: (id: string, query?: QueryOf<Op<'/containers/{id}/json', 'get'>>, o: Signal = {}) =>
      this.callJson('get', '/containers/{id}/json', { path: { id }, query, ...o }),
    /** The daemon's JSON text as sent (inspect prints it as is). */
    inspectText: (id: string, query?: QueryOf<Op<'/containers/{id}/json', 'get'>>) =>
      this.callText('get', '/containers/{id}/json', { path: { id }, query }),
    top: (id: string, query?: QueryOf<Op<'/containers/{id}/top', 'get'>>) =>
      this.callJson('get', '/containers/{id}/top', { path: { id }, query }),
    /** Multiplexed stdout/stderr frames, or the raw stream of a TTY container. */
    logs: (id: string, query?: LogsQuery, o: Signal = {}) =>
      this.callStream('get', '/containers/{id}/logs', {
        path: { id },
        query: query as QueryOf<Op<'/containers/{id}/logs', 'get'>>,
        ...o,
      }),
    changes: (id: string) => this.callJson('get', '/containers/{id}/changes', { path: { id } }),
    /** A tar of the container's filesystem. */
    export: (id: string) => this.callStream('get', '/containers/{id}/export', { path: { id } }),
    /** One sample (stream=false). */
    stats: (id: string, query?: QueryOf<Op<'/containers/{id}/stats', 'get'>>, o: Signal = {}) =>
      this.callJson('get', '/containers/{id}/stats', {
        path: { id },
        query: { ...query, stream: false },
        ...o,
      }) as Promise<unknown> as Promise<ContainerStats>,
    /** Samples as JSON lines until the signal aborts. */
    statsStream: (id: string, query?: QueryOf<Op<'/containers/{id}/stats', 'get'>>, o: Signal = {}) =>
      this.callStream('get', '/containers/{id}/stats', { path: { id }, query: { ...query, stream: true }, ...o }),
    resize: (id: string, query: QueryOf<Op<'/containers/{id}/resize', 'post'>>) =>
      this.callVoid('post', '/containers/{id}/resize', { path: { id }, query }),
    start: (id: string, query?: QueryOf<Op<'/containers/{id}/start', 'post'>>) =>
      this.callVoid('post', '/containers/{id}/start', { path: { id }, query }),
    stop: (id: string, query?: StopQuery) =>
      this.callVoid('post', '/containers/{id}/stop', {
        path: { id },
        query: query as QueryOf<Op<'/containers/{id}/stop', 'post'>>,
      }),
    restart: (id: string, query?: StopQuery) =>
      this.callVoid('post', '/containers/{id}/restart', {
        path: { id },
        query: query as QueryOf<Op<'/containers/{id}/restart', 'post'>>,
      }),
    kill: (id: string, query?: QueryOf<Op<'/containers/{id}/kill', 'post'>>) =>
      this.callVoid('post', '/containers/{id}/kill', { path: { id }, query }),
    update: (id: string, body: JsonBodyOf<Op<'/containers/{id}/update', 'post'>>) =>
      this.callJson('post', '/containers/{id}/update', { path: { id }, body }),
    rename: (id: string, name: string) =>
      this.callVoid('post', '/containers/{id}/rename', { path: { id }, query: { name } }),
    pause: (id: string) => this.callVoid('post', '/containers/{id}/pause', { path: { id } }),
    unpause: (id: string) => this.callVoid('post', '/containers/{id}/unpause', { path: { id } }),
    wait: (id: string, query?: QueryOf<Op<'/containers/{id}/wait', 'post'>>) =>
      this.callJson('post', '/containers/{id}/wait', { path: { id }, query }),
    remove: (id: string, query?: QueryOf<Op<'/containers/{id}', 'delete'>>) =>
      this.callVoid('delete', '/containers/{id}', { path: { id }, query }),
    /** HEAD: the path's stat in the X-Docker-Container-Path-Stat header. */
    archiveInfo: (id: string, path: string) =>
      this.callStream('head', '/containers/{id}/archive', { path: { id }, query: { path } }),
    /** A tar of the path. */
    getArchive: (id: string, path: string) =>
      this.callStream('get', '/containers/{id}/archive', { path: { id }, query: { path } }),
    putArchive: (id: string, query: QueryOf<Op<'/containers/{id}/archive', 'put'>>, tar: Upload) =>
      this.callVoid('put', '/containers/{id}/archive', {
        path: { id },
        query,
        upload: tar,
        contentType: 'application/x-tar',
      }),
    prune: (query?: QueryOf<Op<'/containers/prune', 'post'>>) => this.callJson('post', '/containers/prune', { query }),
    commit: (query: CommitQuery, body?: JsonBodyOf<Op<'/commit', 'post'>>) =>
      this.callJson('post', '/commit', { query: query as QueryOf<Op<'/commit', 'post'>>, body }),
  };

  readonly exec = {
    create: (container: string, body: JsonBodyOf<Op<'/containers/{id}/exec', 'post'>>) =>
      this.callJson('post', '/containers/{id}/exec', { path: { id: container }, body }),
    /** A detached start (Detach: true); an attached one is a hijacked connection (the transport's own). */
    startDetached: (id: string, body: ExecStartBody) =>
      this.callVoid('post', '/exec/{id}/start', { path: { id }, body: { ...body, Detach: true } }),
    resize: (id: string, query: QueryOf<Op<'/exec/{id}/resize', 'post'>>) =>
      this.callVoid('post', '/exec/{id}/resize', { path: { id }, query }),
    inspect: (id: string) => this.callJson('get', '/exec/{id}/json', { path: { id } }),
  };

  readonly images = {
    list: (query?: QueryOf<Op<'/images/json', 'get'>>, o: Signal = {}) =>
      this.callJson('get', '/images/json', { query, ...o }),
    /** Pull (fromImage) or import (fromSrc=-, the tar as upload): progress as JSON lines. */
    create: (
      query: QueryOf<Op<'/images/create', 'post'>>,
      o: { auth?: string; upload?: Upload; contentType?: string; signal?: AbortSignal } = {},
    ) =>
      this.callStream('post', '/images/create', {
        query,
        ...(o.auth ? { headers: { 'X-Registry-Auth': o.auth } } : {}),
        ...(o.upload !== undefined ? { upload: o.upload, contentType: o.contentType ?? 'application/x-tar' } : {}),
        ...(o.signal ? { signal: o.signal } : {}),
      }),
    inspect: (name: string) => this.callJson('get', '/images/{name}/json', { path: { name } }),
    inspectText: (name: string) => this.callText('get', '/images/{name}/json', { path: { name } }),
    history: (name: string, o: Signal = {}) => this.callJson('get', '/images/{name}/history', { path: { name }, ...o }),
    /** Progress as JSON lines. */
    push: (name: string, query: QueryOf<Op<'/images/{name}/push', 'post'>>, auth: string) =>
      this.callStream('post', '/images/{name}/push', { path: { name }, query, headers: { 'X-Registry-Auth': auth } }),
    tag: (name: string, query: QueryOf<Op<'/images/{name}/tag', 'post'>>) =>
      this.callVoid('post', '/images/{name}/tag', { path: { name }, query }),
    remove: (name: string, query?: QueryOf<Op<'/images/{name}', 'delete'>>) =>
      this.callJson('delete', '/images/{name}', { path: { name }, query }),
    prune: (query?: QueryOf<Op<'/images/prune', 'post'>>) => this.callJson('post', '/images/prune', { query }),
    /** docker save: a tar of the named images. */
    save: (names: string[]) => this.callStream('get', '/images/get', { query: { names } }),
    /** docker load: the tar as upload; progress as JSON lines. */
    load: (tar: Upload, query?: QueryOf<Op<'/images/load', 'post'>>) =>
      this.callStream('post', '/images/load', { query, upload: tar, contentType: 'application/x-tar' }),
    /** docker build: the context tar as upload; progress as JSON lines. */
    build: (context: Upload, query: BuildQuery, o: { registryConfig?: string; signal?: AbortSignal } = {}) =>
      this.callStream('post', '/build', {
        query: query as QueryOf<Op<'/build', 'post'>>,
        upload: context,
        contentType: 'application/x-tar',
        ...(o.registryConfig ? { headers: { 'X-Registry-Config': o.registryConfig } } : {}),
        ...(o.signal ? { signal: o.signal } : {}),
      }),
    buildPrune: (query?: QueryOf<Op<'/build/prune', 'post'>>) => this.callJson('post', '/build/prune', { query }),
  };

  readonly networks = {
    list: (query?: QueryOf<Op<'/networks', 'get'>>, o: Signal = {}) =>
      this.callJson('get', '/networks', { query, ...o }),
    inspect: (id: string, o: Signal = {}) => this.callJson('get', '/networks/{id}', { path: { id }, ...o }),
    inspectText: (id: string) => this.callText('get', '/networks/{id}', { path: { id } }),
    create: (body: NetworkCreateBody) => this.callJson('post', '/networks/create', { body }),
    remove: (id: string) => this.callVoid('delete', '/networks/{id}', { path: { id } }),
    connect: (id: string, body: JsonBodyOf<Op<'/networks/{id}/connect', 'post'>>) =>
      this.callVoid('post', '/networks/{id}/connect', { path: { id }, body }),
    disconnect: (id: string, body: JsonBodyOf<Op<'/networks/{id}/disconnect', 'post'>>) =>
      this.callVoid('post', '/networks/{id}/disconnect', { path: { id }, body }),
    prune: (query?: QueryOf<Op<'/networks/prune', 'post'>>) => this.callJson('post', '/networks/prune', { query }),
  };

  readonly volumes = {
    list: (query?: QueryOf<Op<'/volumes', 'get'>>, o: Signal = {}) => this.callJson('get', '/volumes', { query, ...o }),
    create: (body: JsonBodyOf<Op<'/volumes/create', 'post'>>) => this.callJson('post', '/volumes/create', { body }),
    inspect: (name: string, o: Signal = {}) => this.callJson('get', '/volumes/{name}', { path: { name }, ...o }),
    inspectText: (name: string) => this.callText('get', '/volumes/{name}', { path: { name } }),
    remove: (name: string, query?: QueryOf<Op<'/volumes/{name}', 'delete'>>) =>
      this.callVoid('delete', '/volumes/{name}', { path: { name }, query }),
    prune: (query?: QueryOf<Op<'/volumes/prune', 'post'>>) => this.callJson('post', '/volumes/prune', { query }),
  };

  readonly system = {
    auth: (body: JsonBodyOf<Op<'/auth', 'post'>>) => this.callJson('post', '/auth', { body }),
    info: (o: Signal = {}) => this.callJson('get', '/info', o),
    version: (o: Signal = {}) => this.callJson('get', '/version', o),
    df: (query?: QueryOf<Op<'/system/df', 'get'>>, o: Signal = {}) =>
      this.callJson('get', '/system/df', { query, ...o }),
    /** EventMessage objects as JSON lines, until `until` or the signal. */
    events: (query?: QueryOf<Op<'/events', 'get'>>, o: Signal = {}) =>
      this.callStream('get', '/events', { query, ...o }),
  };
}
