// docker exec end to end with the real docker CLI and berth's: output and exit codes, stdin, -e/-u/-w, privileged,
// detached, a command that cannot start (126), a stopped container (409), 20 at once, and no exec left behind when
// the client vanishes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { apiJson, isRoot } from '../helpers/daemon.js';
import { useDaemon } from '../helpers/use-daemon.js';
import { berth, docker } from '../helpers/run.js';

const skip = !isRoot() && 'needs root';
// Every test execs into one long-running container.
const daemon = useDaemon(skip, {
  setUp: async (berthd) => {
    const run = await docker(berthd.env, ['run', '-d', '--name', 'box', 'busybox', 'sleep', '1000']);
    assert.equal(run.code, 0, run.stderr);
  },
});

const d = (args: string[], input?: string) => docker(daemon.env, args, { input });
const b = (args: string[], input?: string) => berth(daemon.env, args, { input });

/** Processes in the host's table whose command line contains `text`. */
const processesWith = (text: string): string[] =>
  execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => l.includes(text) && !l.includes('ps -eo'));

for (const [client, run] of [
  ['docker', d],
  ['berth', b],
] as const) {
  test(`${client} exec: output, streams and exit codes`, { skip }, async () => {
    const ls = await run(['exec', 'box', 'ls', '/']);
    assert.equal(ls.code, 0, ls.stderr);
    assert.match(ls.stdout, /^bin$/m);
    const split = await run(['exec', 'box', 'sh', '-c', 'echo out; echo err >&2; exit 3']);
    assert.deepEqual([split.code, split.stdout, split.stderr], [3, 'out\n', 'err\n']);
    const piped = await run(['exec', '-i', 'box', 'sh', '-c', 'cat; echo done'], 'hi\n');
    assert.deepEqual([piped.code, piped.stdout], [0, 'hi\ndone\n']);
    const opts = await run([
      'exec',
      '-e',
      'FOO=bar',
      '-u',
      'nobody',
      '-w',
      '/tmp',
      'box',
      'sh',
      '-c',
      'echo $FOO $(id -u) $(pwd)',
    ]);
    assert.equal(opts.stdout, 'bar 65534 /tmp\n', opts.stderr);
    const missing = await run(['exec', 'box', 'no-such-command']);
    assert.equal(missing.code, 126);
    assert.match(
      missing.stdout + missing.stderr,
      /OCI runtime exec failed: exec failed: .*executable file not found in \$PATH: unknown/,
    );
  });

  test(`${client} exec -d runs on after the client returns; --privileged gets every capability`, { skip }, async () => {
    const detached = await run(['exec', '-d', 'box', 'sh', '-c', `sleep 0.2; touch /tmp/${client}-detached`]);
    assert.equal(detached.code, 0, detached.stderr);
    assert.equal(detached.stdout, '');
    const deadline = Date.now() + 10_000;
    while ((await run(['exec', 'box', 'test', '-e', `/tmp/${client}-detached`])).code !== 0) {
      assert.ok(Date.now() < deadline, 'the detached exec never ran');
      await new Promise((r) => setTimeout(r, 100));
    }
    const plain = await run(['exec', 'box', 'sh', '-c', 'grep CapEff /proc/self/status']);
    const privileged = await run(['exec', '--privileged', 'box', 'sh', '-c', 'grep CapEff /proc/self/status']);
    assert.notEqual(plain.stdout, privileged.stdout);
    assert.ok(
      BigInt(`0x${privileged.stdout.split(':')[1]?.trim()}`) > BigInt(`0x${plain.stdout.split(':')[1]?.trim()}`),
    );
  });

  test(`${client} exec in a stopped or missing container is refused as Docker does`, { skip }, async () => {
    const created = await run(['create', '--name', `${client}-stopped`, 'busybox', 'true']);
    assert.equal(created.code, 0, created.stderr);
    const id = created.stdout.trim();
    const stopped = await run(['exec', `${client}-stopped`, 'ls']);
    assert.equal(stopped.code, 1);
    assert.equal(stopped.stderr, `Error response from daemon: Container ${id} is not running\n`);
    const missing = await run(['exec', `${client}-missing`, 'ls']);
    assert.equal(missing.stderr, `Error response from daemon: No such container: ${client}-missing\n`);
  });
}

test('20 concurrent execs each get their own output and exit code', { skip }, async () => {
  const results = await Promise.all(
    Array.from({ length: 20 }, (_, i) => d(['exec', 'box', 'sh', '-c', `echo out-${i}; echo err-${i} >&2; exit ${i}`])),
  );
  results.forEach((r, i) => assert.deepEqual([r.code, r.stdout, r.stderr], [i, `out-${i}\n`, `err-${i}\n`]));
});

test('an exec whose client vanishes is ended, not left behind', { skip }, async () => {
  // A sleep of its own length marks the exec's process in the host's table.
  const marker = String(100000 + process.pid);
  const client = spawn('docker', ['exec', 'box', 'sh', '-c', `echo started; exec sleep ${marker}`], {
    env: daemon.env,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  await new Promise<void>((resolve) =>
    client.stdout.on('data', (c: Buffer) => c.toString().includes('started') && resolve()),
  );
  // "started" comes just before the shell turns into sleep: wait for it to show.
  const shown = Date.now() + 10_000;
  const execs = (): string[] => processesWith(marker).filter((l) => new RegExp(`^\\s*\\d+ sleep ${marker}$`).test(l));
  while (execs().length !== 1) {
    assert.ok(Date.now() < shown, 'the exec never showed up');
    await new Promise((r) => setTimeout(r, 50));
  }
  client.kill('SIGKILL');
  const deadline = Date.now() + 10_000;
  while (execs().length > 0) {
    assert.ok(Date.now() < deadline, `exec still running: ${execs().join('\n')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
});

test('exec create and inspect: ExitCode and Running as Docker reports them', { skip }, async () => {
  const api = (method: string, path: string, body?: unknown) => apiJson(daemon.socketPath, method, path, body);
  const created = await api('POST', '/containers/box/exec', { Cmd: ['sh', '-c', 'exit 7'], AttachStdout: true });
  assert.equal(created.status, 201);
  const id = String(created.json.Id);
  const before = await api('GET', `/exec/${id}/json`);
  assert.equal(before.json.Running, false);
  assert.equal(before.json.ExitCode, null);
  assert.deepEqual(before.json.ProcessConfig, {
    arguments: ['-c', 'exit 7'],
    entrypoint: 'sh',
    privileged: false,
    tty: false,
    user: '',
  });
  const started = await api('POST', `/exec/${id}/start`, { Detach: false });
  assert.equal(started.status, 200);
  const after = await api('GET', `/exec/${id}/json`);
  assert.equal(after.json.Running, false);
  assert.equal(after.json.ExitCode, 7);
  assert.equal((await api('POST', `/exec/${id}/start`, {})).status, 409);
  assert.equal((await api('GET', '/exec/nope/json')).status, 404);
  assert.equal((await api('POST', '/containers/box/exec', { Cmd: [] })).status, 400);
  assert.equal((await api('POST', '/containers/box/exec', { Cmd: ['ls'], DetachKeys: 'ctrl-1' })).status, 400);
});
