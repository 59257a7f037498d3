// The Engine API's shapes as the client sees them, all from the generated v1.47 types (src/gen/): the operation
// a (method, path) pair names, its query, path parameters, JSON body and success body. Nothing is copied by hand.
import type { components, paths } from '../gen/docker-engine-api.js';
import type { ContainerStatsJson } from '../spec/docker/stats.js';

export type HttpMethod = 'get' | 'post' | 'put' | 'delete' | 'head';
export type ApiPath = keyof paths;

interface AnyOperation {
  parameters: { query?: unknown; path?: unknown; header?: unknown };
  responses: unknown;
}

/** The operation the spec defines for `method` on `path` (never if it has none). */
export type OperationAt<P extends ApiPath, M extends HttpMethod> = paths[P][M] extends infer O
  ? O extends AnyOperation
    ? O
    : never
  : never;
/** The methods the spec defines on `path`. */
export type MethodsOf<P extends ApiPath> = {
  [M in HttpMethod]: [OperationAt<P, M>] extends [never] ? never : M;
}[HttpMethod];

export type QueryOf<O> = O extends { parameters: { query?: infer Q } } ? Exclude<Q, undefined> : never;
export type PathParamsOf<O> = O extends { parameters: { path?: infer Q } } ? Exclude<Q, undefined> : never;
export type HeadersOf<O> = O extends { parameters: { header?: infer H } } ? Exclude<H, undefined> : never;
export type JsonBodyOf<O> = O extends { requestBody?: { content: infer C } }
  ? C extends { 'application/json': infer B }
    ? B
    : never
  : never;
type JsonContent<R> = R extends { content: { 'application/json': infer B } } ? B : void;
/** The JSON body of the operation's success answer (200, else 201), void when it has none. */
export type ResultOf<O> = O extends { responses: infer R }
  ? 200 extends keyof R
    ? JsonContent<R[200]>
    : 201 extends keyof R
      ? JsonContent<R[201]>
      : void
  : never;

type Schemas = components['schemas'];
type Ok<P extends ApiPath, M extends HttpMethod> = ResultOf<OperationAt<P, M>>;

// Names for the shapes the CLI and the dashboard read.
export type ContainerSummary = Schemas['ContainerSummary'];
export type ContainerInspect = Ok<'/containers/{id}/json', 'get'>;
export type HostConfig = Schemas['HostConfig'];
export type ContainerCreateBody = JsonBodyOf<OperationAt<'/containers/create', 'post'>>;
/** The v1.47 swagger gives the stats answer no schema: the shape is spec/docker/stats.ts, as Docker writes it. */
export type ContainerStats = ContainerStatsJson;
export type ContainerTop = Ok<'/containers/{id}/top', 'get'>;
export type ContainerWait = Schemas['ContainerWaitResponse'];
export type FilesystemChange = Schemas['FilesystemChange'];
export type Port = Schemas['Port'];
export type PortMap = Schemas['PortMap'];
export type PortBinding = Schemas['PortBinding'];
export type ImageSummary = Schemas['ImageSummary'];
export type ImageInspect = Schemas['ImageInspect'];
export type ImageHistoryItem = Ok<'/images/{name}/history', 'get'>[number];
export type ImageDeleteItem = Schemas['ImageDeleteResponseItem'];
export type ImagePruneReport = Ok<'/images/prune', 'post'>;
export type ExecInspect = Ok<'/exec/{id}/json', 'get'>;
export type ExecStartBody = JsonBodyOf<OperationAt<'/exec/{id}/start', 'post'>>;
export type Network = Schemas['Network'];
export type NetworkCreateBody = JsonBodyOf<OperationAt<'/networks/create', 'post'>>;
export type Volume = Schemas['Volume'];
export type SystemInfo = Schemas['SystemInfo'];
export type SystemVersion = Schemas['SystemVersion'];
export type SystemDiskUsage = Ok<'/system/df', 'get'>;
export type BuildCache = Schemas['BuildCache'];
export type EventMessage = Schemas['EventMessage'];
/** One line of a pull's progress stream. */
export type PullProgress = Schemas['CreateImageInfo'];
export type AuthConfig = Schemas['AuthConfig'];
export type IdResponse = Schemas['IdResponse'];
