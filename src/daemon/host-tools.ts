// The host tools berth drives, checked at start with the package that provides each.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

const run = promisify(execFile);

export interface HostTool {
  name: string;
  /** Debian package that provides it. */
  pkg: string;
  /** Needed for the daemon to start at all. */
  required: boolean;
  versionArgs?: string[];
  /** Picks the version out of the tool's version output. */
  versionPattern?: RegExp;
}

export const HOST_TOOLS: HostTool[] = [
  { name: 'runc', pkg: 'runc', required: true, versionArgs: ['--version'], versionPattern: /runc version (\S+)/ },
  { name: 'conmon', pkg: 'conmon', required: true, versionArgs: ['--version'], versionPattern: /conmon version (\S+)/ },
  { name: 'iptables', pkg: 'iptables', required: false, versionArgs: ['--version'], versionPattern: /v(\S+)/ },
  { name: 'ip', pkg: 'iproute2', required: false },
  { name: 'nsenter', pkg: 'util-linux', required: false },
  { name: 'catatonit', pkg: 'catatonit', required: false },
  { name: 'tini', pkg: 'tini', required: false },
];

const SEARCH_PATH = (process.env.PATH ?? '')
  .split(delimiter)
  .concat(['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin', '/usr/libexec/podman']);

export function findExecutable(name: string): string | undefined {
  for (const dir of SEARCH_PATH) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      /* keep looking */
    }
  }
  return undefined;
}

export interface ToolReport {
  paths: Record<string, string>;
  versions: Record<string, string>;
  missingRequired: HostTool[];
}

export async function checkHostTools(tools: HostTool[] = HOST_TOOLS): Promise<ToolReport> {
  const report: ToolReport = { paths: {}, versions: {}, missingRequired: [] };
  await Promise.all(
    tools.map(async (tool) => {
      const path = findExecutable(tool.name);
      if (!path) {
        if (tool.required) report.missingRequired.push(tool);
        return;
      }
      report.paths[tool.name] = path;
      if (!tool.versionArgs) return;
      try {
        const { stdout } = await run(path, tool.versionArgs, { timeout: 5000 });
        const version = tool.versionPattern?.exec(stdout)?.[1];
        if (version) report.versions[tool.name] = version;
      } catch {
        /* present but silent about its version */
      }
    }),
  );
  return report;
}

export const missingToolsMessage = (missing: HostTool[]): string =>
  missing
    .map(
      (t) =>
        `berthd: ${t.name} not found; install the '${t.pkg}' package (apt-get install ${t.pkg}, or run scripts/setup.sh)`,
    )
    .join('\n');
