// Stand-ins for the images critest pulls by name from gcr.io and registry.k8s.io, built from busybox (and
// catatonit for a pause image) by berthd, pushed to a loopback registry, and removed from berthd again; a registry
// hosts directory (containerd's hosts.toml layout, which berth reads too) makes that registry the only server of
// those domains. Nothing leaves the machine, and the names critest asks for stay the upstream ones.
import { execFileSync } from 'node:child_process';
import { copyFileSync, chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestDaemon } from './daemon.js';
import { docker } from './run.js';
import { testImages } from './images.js';
import type { TestRegistry } from './docker-registry.js';
import { PEERS_DIR, requirePeer } from './cri.js';

export const CRI_TOOLS = 'gcr.io/k8s-staging-cri-tools';
export const E2E_IMAGES = 'registry.k8s.io/e2e-test-images';
/** The sandbox image containerd is configured with in these tests. */
export const PAUSE_STAND_IN = 'registry.k8s.io/pause:3.6';

/** Debian's dynamically linked busybox, unpacked by scripts/setup.sh (the package conflicts with busybox-static). */
const BUSYBOX_SHELL = join(PEERS_DIR, 'busybox-shell', 'bin', 'busybox');

/** critest's image-manager names (pkg/validate/consts.go) and what each stand-in adds to busybox. */
export const IMAGE_STAND_INS: Record<string, string> = {
  [`${CRI_TOOLS}/test-image-latest:latest`]: 'LABEL stand-in=latest',
  [`${CRI_TOOLS}/test-image-tag:test`]: 'LABEL stand-in=tag',
  [`${CRI_TOOLS}/test-image-tag:all`]: 'LABEL stand-in=all',
  [`${CRI_TOOLS}/test-image-user-uid:latest`]: 'LABEL stand-in=uid\nUSER 1002',
  [`${CRI_TOOLS}/test-image-user-username:latest`]: 'LABEL stand-in=username\nUSER www-data',
  [`${CRI_TOOLS}/test-image-user-uid-group:latest`]: 'LABEL stand-in=uid-group\nUSER 1003:users',
  [`${CRI_TOOLS}/test-image-user-username-group:latest`]: 'LABEL stand-in=username-group\nUSER www-data:users',
  [`${CRI_TOOLS}/test-image-1:latest`]: 'LABEL stand-in=1',
  [`${CRI_TOOLS}/test-image-2:latest`]: 'LABEL stand-in=2',
  [`${CRI_TOOLS}/test-image-3:latest`]: 'LABEL stand-in=3',
  // Three tags of one image.
  [`${CRI_TOOLS}/test-image-tags:1`]: 'LABEL stand-in=tags',
  [`${CRI_TOOLS}/test-image-tags:2`]: 'LABEL stand-in=tags',
  [`${CRI_TOOLS}/test-image-tags:3`]: 'LABEL stand-in=tags',
};

// nginx's stand-in: busybox's httpd on port 80, and a process named nginx whose pid is in /var/run/nginx.pid
// (critest's namespace specs look for both).
const NGINX_SCRIPT = `#!/bin/sh
mkdir -p /var/run /usr/share/nginx/html
echo ok > /usr/share/nginx/html/index.html
echo $$ > /var/run/nginx.pid
httpd -p 80 -h /usr/share/nginx/html
trap 'exit 0' TERM INT
while :; do sleep 1; done
`;
// pgrep NAME as busybox's: the pids of the processes whose name contains NAME (itself left out), 1 when none.
const PGREP_SCRIPT = `#!/bin/sh
found=1
for dir in /proc/[0-9]*; do
  pid=\${dir#/proc/}
  [ "$pid" = "$$" ] && continue
  name=$(cat "$dir/comm" 2>/dev/null) || continue
  case "$name" in *"$1"*) echo "$pid"; found=0 ;; esac
done
exit $found
`;
const HOSTNET_SCRIPT = `#!/bin/sh
mkdir -p /www && echo ok > /www/index.html
exec httpd -f -p 12003 -h /www
`;

/** The runtime specs' images: each a Dockerfile over busybox, with files from a context directory. */
const RUNTIME_STAND_INS: Record<string, { dockerfile: string; files?: Record<string, ContextFile> }> = {
  // critest's default image. /bin/ls a file of its own (busybox's applets are symlinks to one binary, which a
  // masked /bin/ls would hide entirely); a shell that looks `ls` up on PATH as busybox 1.29's does (the MaskedPaths
  // spec expects a masked /bin/ls to answer "Permission denied"; Debian's static busybox runs its own applet
  // instead), which is Debian's dynamically linked busybox that scripts/setup.sh unpacks; util-linux's ipcs with
  // their libc for the IPC namespace specs; a pgrep (Debian's busybox has no pgrep applet, and the execSync timeout
  // spec looks for its `sleep` with one).
  [`${E2E_IMAGES}/busybox:1.29-2`]: {
    dockerfile: [
      'FROM busybox',
      'COPY ls /bin/ls',
      'COPY sh /bin/sh',
      'COPY ipcs /usr/bin/ipcs',
      'COPY libc.so.6 libresolv.so.2 /lib/x86_64-linux-gnu/',
      'COPY ld-linux-x86-64.so.2 /lib64/ld-linux-x86-64.so.2',
      'COPY pgrep /usr/bin/pgrep',
    ].join('\n'),
    files: {
      ls: { copyOf: '/bin/busybox' },
      sh: { copyOf: BUSYBOX_SHELL },
      ipcs: { copyOf: '/usr/bin/ipcs' },
      'libc.so.6': { copyOf: '/lib/x86_64-linux-gnu/libc.so.6' },
      'libresolv.so.2': { copyOf: '/lib/x86_64-linux-gnu/libresolv.so.2' },
      'ld-linux-x86-64.so.2': { copyOf: '/lib64/ld-linux-x86-64.so.2' },
      pgrep: PGREP_SCRIPT,
    },
  },
  // httpd's stand-in: the line critest looks for in its log, then busybox's httpd on port 80.
  [`${E2E_IMAGES}/httpd:2.4.39-4`]: {
    dockerfile: 'FROM busybox\nCOPY httpd-foreground /usr/local/bin/httpd-foreground\nCMD ["httpd-foreground"]',
    files: {
      'httpd-foreground':
        '#!/bin/sh\necho "httpd -D FOREGROUND"\nmkdir -p /www && echo ok > /www/index.html\nexec httpd -f -p 80 -h /www\n',
    },
  },
  // A set-uid root program printing its effective uid (critest's no_new_privs specs).
  [`${E2E_IMAGES}/nonewprivs:1.3`]: {
    dockerfile: 'FROM busybox\nCOPY nnp /usr/local/bin/nnp\nCMD ["/usr/local/bin/nnp"]',
    files: {
      nnp: {
        compile:
          '#include <stdio.h>\n#include <unistd.h>\nint main(void) { printf("Effective uid: %d\\n", geteuid()); return 0; }\n',
        mode: 0o4755,
      },
    },
  },
  [`${E2E_IMAGES}/nginx:1.14-2`]: {
    // nginx names its first process "nginx: master process ..." (critest waits for that in /proc/1/cmdline).
    dockerfile: 'FROM busybox\nCOPY nginx /usr/sbin/nginx\nCMD ["/usr/sbin/nginx", "-g", "master process"]',
    files: { nginx: NGINX_SCRIPT },
  },
  [`${CRI_TOOLS}/hostnet-nginx-amd64:latest`]: {
    dockerfile: 'FROM busybox\nCOPY hostnet /usr/sbin/hostnet\nCMD ["/usr/sbin/hostnet"]',
    files: { hostnet: HOSTNET_SCRIPT },
  },
  // User 1000 whose group 50000 is named in /etc/group (critest's SupplementalGroups spec).
  [`${CRI_TOOLS}/test-image-predefined-group:latest`]: {
    dockerfile: 'FROM busybox\nCOPY passwd /etc/passwd\nCOPY group /etc/group\nUSER 1000',
    files: {
      passwd: 'root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000::/home/user:/bin/sh\n',
      group: 'root:x:0:\nuser:x:1000:\ngroup:x:50000:user\n',
    },
  },
};

const ok = (r: { code: number | null; stderr: string }, what: string): void => {
  if (r.code !== 0) throw new Error(`${what}: ${r.stderr}`);
};

/** A hosts directory naming `registry` the only server of each domain. */
export function registryHostsDir(registry: TestRegistry, domains: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'berth-registry-hosts-'));
  for (const domain of domains) {
    mkdirSync(join(dir, domain));
    writeFileSync(
      join(dir, domain, 'hosts.toml'),
      `server = "http://${registry.host}"\n\n[host."http://${registry.host}"]\n  capabilities = ["pull", "resolve"]\n`,
    );
  }
  return dir;
}

/** The local name in the loopback registry of an upstream name: its domain dropped. */
const localName = (registry: TestRegistry, name: string): string =>
  `${registry.host}/${name.slice(name.indexOf('/') + 1)}`;

/** A file of a stand-in's build context: its text, a copy of a host file, or a static C program compiled here. */
type ContextFile = string | { copyOf: string } | { compile: string; mode: number };

function writeContextFile(path: string, file: ContextFile): void {
  if (typeof file === 'string') writeFileSync(path, file);
  else if ('copyOf' in file) copyFileSync(file.copyOf, path);
  else {
    writeFileSync(`${path}.c`, file.compile);
    execFileSync('cc', ['-static', '-O2', '-o', path, `${path}.c`]);
    rmSync(`${path}.c`);
  }
  chmodSync(path, typeof file === 'object' && 'mode' in file ? file.mode : 0o755);
}

async function buildAndPush(
  daemon: TestDaemon,
  registry: TestRegistry,
  name: string,
  dockerfile: string,
  files: Record<string, ContextFile> = {},
): Promise<void> {
  const local = localName(registry, name);
  const context = mkdtempSync(join(tmpdir(), 'berth-standin-'));
  try {
    writeFileSync(join(context, 'Dockerfile'), `${dockerfile}\n`);
    for (const [file, content] of Object.entries(files)) writeContextFile(join(context, file), content);
    ok(await docker(daemon.env, ['build', '-q', '-t', local, context]), `build ${name}`);
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
  ok(await docker(daemon.env, ['push', local]), `push ${name}`);
  ok(await docker(daemon.env, ['rmi', local]), `rmi ${name}`);
}

/** Builds and pushes the stand-ins asked for (busybox loaded into `daemon` first); the daemon keeps none of them. */
export async function pushStandIns(
  daemon: TestDaemon,
  registry: TestRegistry,
  which: { images?: boolean; runtime?: boolean; pause?: boolean },
): Promise<void> {
  ok(await docker(daemon.env, ['load', '-i', (await testImages()).busybox]), 'load busybox');
  const builds: [string, string, Record<string, ContextFile>?][] = [];
  if (which.images)
    for (const [name, lines] of Object.entries(IMAGE_STAND_INS)) builds.push([name, `FROM busybox\n${lines}`]);
  if (which.runtime) requirePeer(BUSYBOX_SHELL);
  if (which.runtime)
    for (const [name, { dockerfile, files }] of Object.entries(RUNTIME_STAND_INS))
      builds.push([name, dockerfile, files]);
  if (which.pause)
    builds.push([
      PAUSE_STAND_IN,
      'FROM scratch\nCOPY pause /pause\nENTRYPOINT ["/pause", "-P"]',
      { pause: { copyOf: '/usr/bin/catatonit' } },
    ]);
  // A few at a time (each is mostly waiting on the daemon and the registry), but stand-ins with one Dockerfile in
  // one queue: built one after another, the build cache makes them one image (test-image-tags:1, 2 and 3 must be).
  // One worker's `rmi` then runs beside another's build and push of an image sharing a layer blob: berthd's
  // collection must leave that blob alone (it once did not: image-gc.ts's leases).
  const queues = new Map<string, typeof builds>();
  for (const build of builds) {
    const key = JSON.stringify([build[1], build[2]]);
    queues.set(key, [...(queues.get(key) ?? []), build]);
  }
  const pending = [...queues.values()];
  const worker = async (): Promise<void> => {
    for (let queue = pending.shift(); queue; queue = pending.shift())
      for (const [name, dockerfile, files] of queue) await buildAndPush(daemon, registry, name, dockerfile, files);
  };
  await Promise.all([worker(), worker(), worker()]);
  ok(await docker(daemon.env, ['rmi', 'busybox']), 'rmi busybox');
}
