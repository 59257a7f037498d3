// One CNI plugin call (the CNI spec's exec protocol): the plugin binary found in the bin dirs, the command and
// the pod in CNI_* variables, the plugin's configuration on stdin, its result (or error) as JSON on stdout.
import { spawn } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { join } from 'node:path';
import { failedPrecondition, internal } from '../../core/errdefs.js';

export interface CniCall {
  command: 'ADD' | 'DEL' | 'CHECK';
  containerId: string;
  netns: string;
  ifName: string;
  /** CNI_ARGS: K=V pairs. */
  args: [string, string][];
  binDirs: string[];
  config: Record<string, unknown>;
  signal?: AbortSignal;
}

async function findPlugin(type: string, binDirs: string[]): Promise<string> {
  for (const dir of binDirs) {
    const path = join(dir, type);
    try {
      await access(path, constants.X_OK);
      return path;
    } catch {
      /* next */
    }
  }
  throw failedPrecondition(
    `CNI plugin ${type} not found in ${binDirs.join(':')} (apt-get install containernetworking-plugins)`,
  );
}

export async function callPlugin(type: string, call: CniCall): Promise<Record<string, unknown>> {
  const path = await findPlugin(type, call.binDirs);
  const child = spawn(path, [], {
    env: {
      PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin',
      CNI_COMMAND: call.command,
      CNI_CONTAINERID: call.containerId,
      CNI_NETNS: call.netns,
      CNI_IFNAME: call.ifName,
      CNI_ARGS: call.args.map(([k, v]) => `${k}=${v}`).join(';'),
      CNI_PATH: call.binDirs.join(':'),
    },
    stdio: ['pipe', 'pipe', 'pipe'],
    ...(call.signal ? { signal: call.signal } : {}),
  });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (b: Buffer) => out.push(b));
  child.stderr.on('data', (b: Buffer) => err.push(b));
  const exited = new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve(code ?? 1));
  });
  child.stdin.end(JSON.stringify(call.config));
  const code = await exited;
  const text = Buffer.concat(out).toString('utf8').trim();
  if (code !== 0) {
    let message = Buffer.concat(err).toString('utf8').trim() || text;
    try {
      const e = JSON.parse(text) as { msg?: string; details?: string };
      message = [e.msg, e.details].filter(Boolean).join(': ') || message;
    } catch {
      /* not JSON */
    }
    throw internal(`CNI plugin ${type} ${call.command} failed: ${message}`);
  }
  if (!text) return {};
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw internal(`CNI plugin ${type} ${call.command} answered no JSON: ${text.slice(0, 200)}`);
  }
}
