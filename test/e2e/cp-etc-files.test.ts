// docker cp of the /etc files the engine writes for a container (hosts, hostname, resolv.conf), side by side on
// dockerd and berthd: the archive and its stat show the files the container's processes read, not the empty
// mount points under them, whether /etc/hosts is asked for or /etc.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { docker } from '../helpers/run.js';
import { apiRequest } from '../helpers/daemon.js';
import { ENGINES, skipClients, useEngines, type Engine } from '../helpers/engines.js';

const skip = skipClients();
const engineOf = useEngines(skip);
const ETC_FILES = ['/etc/hosts', '/etc/hostname', '/etc/resolv.conf'];

function getArchive(e: Engine, container: string, path: string): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { socketPath: e.socketPath, path: `/containers/${container}/archive?path=${encodeURIComponent(path)}` },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** The regular files of a ustar stream: name -> content. */
function tarFiles(tar: Buffer): Map<string, string> {
  const out = new Map<string, string>();
  for (let at = 0; at + 512 <= tar.length;) {
    const header = tar.subarray(at, at + 512);
    if (header.every((b) => b === 0)) break;
    const field = (from: number, len: number): string =>
      header
        .subarray(from, from + len)
        .toString('latin1')
        .replace(/\0.*$/s, '');
    const name = field(0, 100);
    const size = parseInt(field(124, 12).trim() || '0', 8);
    const type = field(156, 1);
    if (type === '0' || type === '') out.set(name, tar.subarray(at + 512, at + 512 + size).toString('utf8'));
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return out;
}

async function stat(e: Engine, container: string, path: string): Promise<{ size: number; mode: number }> {
  const r = await apiRequest(e.socketPath, `/containers/${container}/archive?path=${encodeURIComponent(path)}`, {
    method: 'HEAD',
  });
  assert.equal(r.status, 200, path);
  const header = String(r.headers['x-docker-container-path-stat']);
  return JSON.parse(Buffer.from(header, 'base64').toString()) as { size: number; mode: number };
}

const ok = async (e: Engine, args: string[]): Promise<string> => {
  const r = await docker(e.env, args);
  assert.equal(r.code, 0, `${e.name}: docker ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
};

for (const name of ENGINES) {
  describe(`cp of the engine's /etc files on ${name}`, { skip, concurrency: false }, () => {
    test('archive and stat of /etc/hosts, /etc/hostname, /etc/resolv.conf: the files the container reads, running or stopped', async () => {
      const e = engineOf(name);
      await ok(e, ['run', '-d', '--name', 'etcfiles', '--hostname', 'etcbox', 'busybox', 'sleep', '600']);
      try {
        const seen = new Map<string, string>();
        for (const path of ETC_FILES) seen.set(path, await ok(e, ['exec', 'etcfiles', 'cat', path]));
        assert.equal(seen.get('/etc/hostname'), 'etcbox\n');
        assert.match(seen.get('/etc/hosts') ?? '', /\tetcbox\n/);
        for (const path of ETC_FILES) {
          const content = seen.get(path) ?? '';
          const st = await stat(e, 'etcfiles', path);
          assert.equal(st.size, Buffer.byteLength(content), `${path}: size`);
          assert.equal(st.mode, 0o644, `${path}: mode`);
          const one = await getArchive(e, 'etcfiles', path);
          assert.equal(one.status, 200);
          assert.deepEqual([...tarFiles(one.body)], [[path.slice('/etc/'.length), content]], path);
        }
        const all = await getArchive(e, 'etcfiles', '/etc');
        assert.equal(all.status, 200);
        const files = tarFiles(all.body);
        for (const path of ETC_FILES) assert.equal(files.get(path.slice(1)), seen.get(path), `${path} in /etc`);
        // Writing over one is refused (dockerd: busy mount point), and the file stays as it was.
        const dir = mkdtempSync(join(tmpdir(), 'berth-etc-put-'));
        try {
          writeFileSync(join(dir, 'hosts'), 'replaced\n');
          for (const target of ['etcfiles:/etc/hosts', 'etcfiles:/etc/']) {
            const put = await docker(e.env, ['cp', join(dir, 'hosts'), target]);
            assert.equal(put.code, 1, `cp to ${target}: ${put.stdout}`);
            assert.match(put.stderr, /^Error response from daemon: /);
          }
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
        assert.equal(await ok(e, ['exec', 'etcfiles', 'cat', '/etc/hosts']), seen.get('/etc/hosts'));
        const cp = await docker(e.env, ['cp', 'etcfiles:/etc/hostname', '-']);
        assert.equal(cp.code, 0, cp.stderr);
        assert.equal(tarFiles(Buffer.from(cp.stdout, 'latin1')).get('hostname'), 'etcbox\n');
        // Stopped, as running.
        await ok(e, ['stop', '-t', '0', 'etcfiles']);
        const stopped = await getArchive(e, 'etcfiles', '/etc/hosts');
        assert.equal(stopped.status, 200);
        assert.deepEqual([...tarFiles(stopped.body)], [['hosts', seen.get('/etc/hosts')]]);
      } finally {
        await docker(e.env, ['rm', '-f', 'etcfiles']);
      }
    });
  });
}
