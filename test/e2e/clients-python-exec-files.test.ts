// docker-py (Debian's python3-docker) against berthd and against Docker's own engine, with the same assertions, for
// exec and attach (exec_run stream and not, demux, tty, socket=True; attach before start), cp on volumes and binds
// (get_archive / put_archive / HEAD, running and stopped, symlinks in a volume that point out of it) and commit of a
// container whose process is exiting. Each scenario is a small script in python-exec-files/ printing JSON.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/daemon.js';
import { run } from '../helpers/run.js';
import { ENGINES, skipClients, useEngines } from '../helpers/engines.js';

const PYTHON = '/usr/bin/python3';
const SCRIPTS = join(REPO_ROOT, 'test/e2e/python-exec-files');
const hasDockerPy = (): boolean => existsSync(PYTHON) && existsSync('/usr/lib/python3/dist-packages/docker');
const skip = skipClients() || (!hasDockerPy() && 'python3-docker is not installed');
const engine = useEngines(skip);
const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const engines = (): [string, NodeJS.ProcessEnv][] => ENGINES.map((name) => [name, engine(name).env]);

/** Runs a scenario on both engines at once (the file has 300 s on a busy machine), then checks each the same way. */
async function onBoth<T>(
  scenario: (name: string, env: NodeJS.ProcessEnv) => Promise<T>,
  check: (name: string, result: T) => void,
): Promise<void> {
  const results = await Promise.all(engines().map(async ([name, env]) => [name, await scenario(name, env)] as const));
  for (const [name, result] of results) check(name, result);
}

/** Runs one scenario script against an engine and returns what it printed. */
async function py<T>(script: string, env: NodeJS.ProcessEnv, args: string[] = []): Promise<T> {
  const r = await run(PYTHON, [join(SCRIPTS, script), String(env.DOCKER_HOST), ...args], { timeoutMs: 300_000 });
  assert.equal(r.code, 0, `${script}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

const ROUNDS = '2';
const lines = (s: string | null): string[] => (s ?? '').split('\n').filter(Boolean).sort();

interface ExecResult {
  mixed_tty: string[];
  mixed_plain: string[];
  tty: string[];
  plain: string[];
  demux: [string | null, string | null][];
  stream: string[];
  low: string[];
  big: number[];
  socket: [number[], string][];
  socket_tty: string[];
  run: string[];
  attach: string[];
}

test('docker-py exec_run and exec_start read every byte, on dockerd and berthd', { skip }, async () => {
  const bigLength = Array.from({ length: 20000 }, (_, i) => `${i + 1}\n`).join('').length;
  const rounds = Number(ROUNDS);
  await onBoth(
    (_, env) => py<ExecResult>('exec_attach.py', env, [ROUNDS]),
    (name, r) => {
      // With a TTY the output is one stream, in order; without, stdout and stderr each whole (their order is free).
      assert.deepEqual(r.tty, Array(rounds).fill('hello out\r\nhello err\r\n'), `${name} tty`);
      for (const out of [...r.plain, ...r.stream])
        assert.deepEqual(lines(out), ['hello err', 'hello out'], `${name} plain/stream: ${JSON.stringify(out)}`);
      assert.deepEqual(r.demux, Array(rounds).fill(['hello out\n', 'hello err\n']), `${name} demux`);
      assert.deepEqual(r.low, Array(rounds).fill('hi\n'), `${name} exec_start`);
      assert.deepEqual(
        r.mixed_tty,
        Array(rounds).fill('hello out\r\nhello err\r\n'),
        `${name} TTY exec started without Tty`,
      );
      // Docker's start with Tty writes no stderr at all for a plain exec.
      assert.deepEqual(r.mixed_plain, Array(rounds).fill('hello out\n'), `${name} plain exec started with Tty`);
      assert.deepEqual(r.big, [bigLength], `${name} big output`);
      // socket=True: the first bytes after the response head are a stdout frame header, then exactly its payload.
      assert.deepEqual(r.socket, Array(rounds).fill([[1, 0, 0, 0], 'hello out\n']), `${name} socket`);
      assert.deepEqual(r.socket_tty, Array(rounds).fill('hello out\r\n'), `${name} socket tty`);
      assert.deepEqual(r.run, ['hello out\n'], `${name} run`);
      assert.ok(r.attach.length > 0);
      for (const out of r.attach)
        assert.deepEqual(lines(out), ['hello err', 'hello out'], `${name} attach then start: ${JSON.stringify(out)}`);
    },
  );
});

type Archived = { status: number } | { name: string; size: number; files: Record<string, string> };
type Probe = Record<string, Archived | boolean | { status: number; stat: boolean }>;

test(
  'docker-py get_archive/put_archive see volumes and binds, running and stopped, on dockerd and berthd',
  { skip },
  async () => {
    type Result = {
      host: string;
      running: Probe;
      stopped: Probe;
      read_only_root: Record<'tmp' | 'volume' | 'link', unknown>;
      seen_in_volume: string;
    };
    const scenario = async (name: string, env: NodeJS.ProcessEnv): Promise<Result> => {
      const host = mkdtempSync(join(tmpdir(), `berth-py-cp-${name}-`));
      dirs.push(host);
      for (const sub of ['bind', 'ro', 'nested']) mkdirSync(join(host, sub));
      writeFileSync(join(host, 'bind', 'b.txt'), 'bindfile\n');
      writeFileSync(join(host, 'secret'), 'host secret\n');
      return { host, ...(await py<Omit<Result, 'host'>>('archive.py', env, [host])) };
    };
    await onBoth(scenario, (name, r) => {
      const host = r.host;
      for (const [state, p] of [
        ['running', r.running],
        ['stopped', r.stopped],
      ] as const) {
        const at = `${name} ${state}`;
        assert.deepEqual(p.head_volume_file, { status: 200, stat: true }, at);
        assert.deepEqual(p.head_bind_file, { status: 200, stat: true }, at);
        assert.deepEqual(p.get_volume_file, { name: 'data.txt', size: 10, files: { 'data.txt': 'in-volume\n' } }, at);
        assert.deepEqual(p.get_bind_file, { name: 'b.txt', size: 9, files: { 'b.txt': 'bindfile\n' } }, at);
        const dir = p.get_volume_dir as { files: Record<string, string> };
        assert.equal(dir.files['vol1/data.txt'], 'in-volume\n', at);
        assert.equal(dir.files['vol1/etc-link'], '->/etc', at);
        assert.equal(p.put_volume, true, at);
        assert.equal(p.put_bind, true, at);
        assert.equal(p.put_nested_volume, true, at);
        assert.deepEqual(
          p.get_put_back,
          {
            name: `${state}-v.txt`,
            size: `into volume ${state}`.length,
            files: { [`${state}-v.txt`]: `into volume ${state}` },
          },
          at,
        );
        assert.equal(readFileSync(join(host, 'bind', `${state}-b.txt`), 'utf8'), `into bind ${state}`, at);
        assert.equal(readFileSync(join(host, 'nested', `${state}-n.txt`), 'utf8'), `nested ${state}`, at);
        // A read-only bind refuses the upload (Docker answers 500 "mounted volume is marked read-only"; berth 400).
        assert.ok((p.put_ro as { status: number }).status >= 400, at);
        assert.deepEqual(readdirSync(join(host, 'ro')), [], at);
        // A symlink in the volume resolves in the container (/etc -> the image's /etc), never on the host.
        const passwd = p.get_link_etc as { files: Record<string, string> };
        assert.match(passwd.files.passwd ?? '', /^root:x:0:0:/, at);
        for (const key of ['get_link_climb', 'get_link_abs', 'put_link_climb', 'put_link_abs'])
          assert.deepEqual(p[key], { status: 404 }, `${at} ${key}`);
      }
      // The stopped container's /data shows the nested bind's files (the running probe listed it before its upload).
      const parent = r.stopped.get_parent_dir as { files: Record<string, string> };
      assert.equal(parent.files['data/vol2/running-n.txt'], 'nested running', name);
      assert.deepEqual(
        readdirSync(host).sort(),
        ['bind', 'nested', 'ro', 'secret'],
        `${name}: nothing written beside the mounts`,
      );
      assert.equal(readFileSync(join(host, 'secret'), 'utf8'), 'host secret\n');
      assert.equal(r.read_only_root.volume, true, `${name} read-only root, upload into a volume`);
      for (const key of ['tmp', 'link'] as const)
        assert.ok((r.read_only_root[key] as { status: number }).status >= 400, `${name} read-only root ${key}`);
      const seen =
        'into volume runninginto volume stoppedokabs\nclimb\ndata.txt\netc-link\nro-root.txt\nrunning-v.txt\nstopped-v.txt\n';
      assert.equal(r.seen_in_volume, seen, name);
    });
  },
);

interface CommitResult {
  exited: { error: number | null; content: string | null }[];
  running: { status: string; content: string };
}

test(
  'docker-py commit (pause=True) of a container whose process is exiting, on dockerd and berthd',
  { skip },
  async () => {
    // Without the fix every round met the exit window (412); two are plenty.
    await onBoth(
      (_, env) => py<CommitResult>('commit.py', env, ['2']),
      (name, r) => {
        assert.deepEqual(
          r.exited,
          Array.from({ length: 2 }, (_, i) => ({ error: null, content: `round ${i}\n` })),
          name,
        );
        assert.deepEqual(r.running, { status: 'running', content: 'live\n' }, name);
      },
    );
  },
);
