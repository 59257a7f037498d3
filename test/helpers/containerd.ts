// containerd 1.6 (installed with docker.io) with its CRI plugin on its own socket, root and state: the anchor
// berth's CRI is compared with. Registry hosts come from containerd's own `config_path` directory layout. It stays
// in the host's mount namespace with the host's resolver: critest's mount propagation specs (rshared, rslave from
// the host) need its mounts to be the host's, and a namespace of its own with an offline resolv.conf (as dockerd's,
// helpers/offline-resolver.ts) made containerd fail both. A name no hosts.toml serves would be looked up at the
// machine's resolver; in the captures of cri-pods and cri-critest on 2026-12-05 containerd asked for none.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { stopAtExit } from './teardown.js';

export interface TestContainerd {
  dir: string;
  socketPath: string;
  process: ChildProcess;
  logs(): string;
  cleanup(): Promise<void>;
}

export const hasContainerd = (): boolean => existsSync('/usr/bin/containerd');

export async function startContainerd(
  options: { registryHostsDir?: string; sandboxImage?: string; cni?: { confDir: string; binDir: string } } = {},
): Promise<TestContainerd> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-containerd-'));
  const socketPath = join(dir, 'containerd.sock');
  const config = join(dir, 'config.toml');
  writeFileSync(
    config,
    [
      'version = 2',
      `root = "${dir}/root"`,
      `state = "${dir}/state"`,
      `[grpc]\n  address = "${socketPath}"`,
      `[ttrpc]\n  address = "${socketPath}.ttrpc"`,
      '[debug]\n  address = ""',
      '[metrics]\n  address = ""',
      `[plugins."io.containerd.internal.v1.opt"]\n  path = "${dir}/opt"`,
      '[plugins."io.containerd.grpc.v1.cri"]',
      ...(options.sandboxImage ? [`  sandbox_image = "${options.sandboxImage}"`] : []),
      // Root here lacks CAP_SYS_RESOURCE: oom_score_adj no lower than containerd's own (else runc fails to start pods).
      '  restrict_oom_score_adj = true',
      `  [plugins."io.containerd.grpc.v1.cri".registry]\n    config_path = "${options.registryHostsDir ?? join(dir, 'hosts')}"`,
      `  [plugins."io.containerd.grpc.v1.cri".cni]\n    bin_dir = "${options.cni?.binDir ?? `${dir}/cni-bin`}"\n    conf_dir = "${options.cni?.confDir ?? `${dir}/cni-conf`}"`,
      '',
    ].join('\n'),
  );
  const child = stopAtExit(spawn('/usr/bin/containerd', ['--config', config], { stdio: ['ignore', 'ignore', 'pipe'] }));
  let log = '';
  await new Promise<void>((resolve, reject) => {
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      log += chunk;
      if (log.includes(`msg=serving... address=${socketPath}\n`) || log.includes(`address=${socketPath}"`)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`containerd exited with ${code}:\n${log}`)));
  });
  return {
    dir,
    socketPath,
    process: child,
    logs: () => log,
    async cleanup() {
      if (child.exitCode === null && child.signalCode === null) {
        const done = once(child, 'exit');
        child.kill('SIGTERM');
        await done;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
