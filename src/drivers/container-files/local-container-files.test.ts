import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalContainerFiles } from './local-container-files.js';

const hosts = (ips: string[]): string =>
  ['127.0.0.1\tlocalhost', '::1\tlocalhost ip6-localhost ip6-loopback', ...ips.map((ip) => `${ip}\tmyhost`), ''].join(
    '\n',
  );

test("a running container's /etc/hosts and resolv.conf rewritten in place are never seen without their lines", async () => {
  const root = await mkdtemp(join(tmpdir(), 'berth-files-'));
  try {
    const files = new LocalContainerFiles({ root });
    const paths = await files.prepare('c1', {
      hostname: 'myhost\n',
      hosts: hosts(['10.1.0.2']),
      resolvConf: 'nameserver 10.1.0.1\noptions ndots:0\n',
    });
    const stop = join(root, 'stop');
    // A process reading both files as fast as it can (as a resolver would), counting reads missing the lines, while
    // the files are rewritten as a connect and a disconnect do (longer, then shorter, than before).
    const reader = spawn(
      'sh',
      [
        '-c',
        'echo ready; n=0; while [ ! -e "$2" ]; do grep -q myhost "$0" || n=$((n+1)); grep -q nameserver "$1" || n=$((n+1)); done; echo "$n"',
        paths.hostsPath,
        paths.resolvConfPath,
        stop,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    reader.stdout.setEncoding('utf8');
    const ready = new Promise<void>((resolve) =>
      reader.stdout.on('data', (chunk: string) => {
        out += chunk;
        if (out.startsWith('ready\n')) resolve();
      }),
    );
    await ready;
    for (let i = 0; i < 100; i++) {
      const connected = i % 2 === 0;
      await files.rewriteHosts('c1', hosts(connected ? ['10.1.0.2', '10.2.0.2'] : ['10.1.0.2']));
      await files.rewriteResolvConf(
        'c1',
        connected ? 'nameserver 10.1.0.1\nsearch example.org\noptions ndots:0\n' : 'nameserver 10.1.0.1\n',
      );
    }
    writeFileSync(stop, '');
    await once(reader, 'exit');
    assert.equal(out, 'ready\n0\n', 'reads that found a file without its lines');
    assert.equal(readFileSync(paths.hostsPath, 'utf8'), hosts(['10.1.0.2']));
    assert.equal(readFileSync(paths.resolvConfPath, 'utf8'), 'nameserver 10.1.0.1\n');
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
