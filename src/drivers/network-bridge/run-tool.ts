// Runs a host networking tool (ip, iptables-restore, unshare, nsenter) with optional stdin; rejects with
// the tool's own stderr so errors name the cause.
import { spawn } from 'node:child_process';

export interface ToolResult {
  stdout: string;
  stderr: string;
}

export function runTool(
  cmd: string,
  args: string[],
  options: { input?: string; allowFail?: boolean } = {},
): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0 || options.allowFail) resolve({ stdout, stderr });
      else reject(new Error(`${cmd} ${args.join(' ')}: ${stderr.trim() || `exit ${code}`}`));
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}
