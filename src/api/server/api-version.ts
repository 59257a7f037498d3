// Engine API versions: every route is served unversioned and under /v1.NN/.
import { invalidArgument } from '../../core/errdefs.js';

export const MIN_API_VERSION = '1.24';
export const MAX_API_VERSION = '1.47';

const VERSIONED_PATH = /^\/v(\d+\.\d+)(\/.*)$/;

export function compareApiVersions(a: string, b: string): number {
  const [aMajor = 0, aMinor = 0] = a.split('.').map(Number);
  const [bMajor = 0, bMinor = 0] = b.split('.').map(Number);
  return aMajor - bMajor || aMinor - bMinor;
}

/** Splits "/v1.45/containers/json" into the version and the unversioned path. */
export function splitVersionedPath(url: string): { version: string | undefined; path: string } {
  const match = VERSIONED_PATH.exec(url);
  if (!match) return { version: undefined, path: url };
  return { version: match[1], path: match[2] ?? '/' };
}

/** Throws Docker's message when a client asks for a version outside what berth serves. */
export function checkApiVersion(version: string): void {
  if (compareApiVersions(version, MAX_API_VERSION) > 0) {
    throw invalidArgument(`client version ${version} is too new. Maximum supported API version is ${MAX_API_VERSION}`);
  }
  if (compareApiVersions(version, MIN_API_VERSION) < 0) {
    throw invalidArgument(
      `client version ${version} is too old. Minimum supported API version is ${MIN_API_VERSION}, please upgrade your client to a newer version`,
    );
  }
}
