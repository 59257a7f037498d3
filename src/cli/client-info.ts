// What berth says about itself in `version` and `info` (docker's client section, with berth's values).
import { readFileSync } from 'node:fs';
import { CLIENT_MAX_API_VERSION } from '../client/engine-client.js';

export interface ClientVersion {
  Version: string;
  ApiVersion: string;
  DefaultAPIVersion: string;
  GitCommit: string;
  GoVersion: string;
  Os: string;
  Arch: string;
  BuildTime: string;
  Context: string;
}

function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? 'dev';
  } catch {
    return 'dev';
  }
}

const GO_ARCH: Record<string, string> = { x64: 'amd64', ia32: '386' };
export const goArch = (arch: string = process.arch): string => GO_ARCH[arch] ?? arch;

export function clientVersion(negotiated: string): ClientVersion {
  const info: ClientVersion = {
    Version: packageVersion(),
    ApiVersion: negotiated,
    DefaultAPIVersion: CLIENT_MAX_API_VERSION,
    GitCommit: '',
    // The runtime berth's CLI is built on; docker reports its Go version here.
    GoVersion: `node${process.versions.node}`,
    Os: 'linux',
    Arch: goArch(),
    BuildTime: '',
    Context: 'default',
  };
  // Go's struct field is APIVersion (JSON key ApiVersion); templates use the field name.
  Object.defineProperty(info, 'APIVersion', { value: negotiated, enumerable: false });
  return info;
}
