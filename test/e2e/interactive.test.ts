// Interactive containers end to end, in a real terminal (tmux), with the real docker CLI and with berth:
// run -it (prompt, a pts, resize follows the window), ctrl-p ctrl-q detaches and attach comes back, exit codes;
// exec -it; and without a terminal: `echo hi | run -i` ends, attach/ws carries stdin and output.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocket } from 'ws';
import { isRoot, BERTH } from '../helpers/daemon.js';
import { useDaemon } from '../helpers/use-daemon.js';
import { docker, berth } from '../helpers/run.js';
import { openTerminal, type Terminal } from '../helpers/terminal.js';

const skip = !isRoot() && 'needs root';
const terminals: Terminal[] = [];
// Declared first, so it runs before the daemon's after(): the terminals' clients go before their containers.
after(() => {
  for (const t of terminals) t.close();
});
const daemon = useDaemon(skip);

const term = (command: string): Terminal => {
  const t = openTerminal(command, { ...daemon.env, DOCKER_CLI_HINTS: 'false' });
  terminals.push(t);
  return t;
};

/** The client learns of the new size by SIGWINCH and tells the daemon: ask `stty size` until it shows (bounded). */
async function resizeAndCheck(t: Terminal, width: number, height: number): Promise<void> {
  t.resize(width, height);
  for (let attempt = 0; ; attempt++) {
    t.send('stty size', 'Enter');
    try {
      await t.waitFor(new RegExp(`^${height} ${width}$`, 'm'), 1000);
      return;
    } catch (err) {
      if (attempt >= 10) throw err;
    }
  }
}

/** Types keys until the pattern shows (bounded): for when the client may not be attached yet. */
async function sendUntil(t: Terminal, keys: string[], pattern: RegExp): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    t.send(...keys);
    try {
      await t.waitFor(pattern, 2000);
      return;
    } catch (err) {
      if (attempt >= 8) throw err;
    }
  }
}

const CLIENTS = [
  ['docker', 'docker'],
  ['berth', `${process.execPath} ${BERTH}`],
] as const;

for (const [client, command] of CLIENTS) {
  test(
    `${client} run -it: a terminal that resizes, detaches with ctrl-p ctrl-q, and attach comes back`,
    { skip },
    async () => {
      const name = `${client}-tty`;
      const t = term(`${command} run -it --name ${name} busybox sh`);
      await t.waitFor(/\/ # $/m);
      t.send('tty; stty size', 'Enter');
      await t.waitFor(/^\/dev\/pts\/\d+\n30 100$/m);
      await resizeAndCheck(t, 120, 40);
      t.send('C-p', 'C-q');
      await t.waitFor(/EXITED=0/);
      const ps = await docker(daemon.env, ['inspect', '-f', '{{.State.Running}}', name]);
      assert.equal(ps.stdout.trim(), 'true', 'the container runs on after the detach');

      const again = term(`${command} attach ${name}`);
      // The prompt is redrawn only if the shell notices the resize: type until the answer shows instead.
      await sendUntil(again, ['echo back-$((40+2))', 'Enter'], /^back-42$/m);
      again.send('C-p', 'C-q');
      await again.waitFor(/read escape sequence\nEXITED=1/);

      const last = term(`${command} attach ${name}`);
      await sendUntil(last, ['exit 3', 'Enter'], /EXITED=3/);
      const code = await docker(daemon.env, ['inspect', '-f', '{{.State.ExitCode}}', name]);
      assert.equal(code.stdout.trim(), '3');
    },
  );

  test(`${client} exec -it: a shell in a pts, its exit code`, { skip }, async () => {
    const name = `${client}-exec-box`;
    assert.equal((await docker(daemon.env, ['run', '-d', '--name', name, 'busybox', 'sleep', '1000'])).code, 0);
    const t = term(`${command} exec -it ${name} sh`);
    await t.waitFor(/\/ # $/m);
    t.send('tty; stty size', 'Enter');
    await t.waitFor(/^\/dev\/pts\/\d+\n30 100$/m);
    await resizeAndCheck(t, 90, 20);
    t.send('exit 5', 'Enter');
    await t.waitFor(/EXITED=5/);
  });

  test(`${client}: echo hi | run -i --rm busybox cat prints hi and ends`, { skip }, async () => {
    const run = client === 'docker' ? docker : berth;
    const r = await run(daemon.env, ['run', '-i', '--rm', 'busybox', 'cat'], { input: 'hi\n', timeoutMs: 30_000 });
    assert.deepEqual([r.code, r.stdout], [0, 'hi\n'], r.stderr);
    const split = await run(
      daemon.env,
      ['run', '-i', '--rm', 'busybox', 'sh', '-c', 'read a; echo "got $a"; echo err >&2; exit 4'],
      { input: 'x\n', timeoutMs: 30_000 },
    );
    assert.deepEqual([split.code, split.stdout, split.stderr], [4, 'got x\n', 'err\n']);
  });
}

test(
  'attach/ws: stdin over websocket messages, output back; a nonsense detach-key spec is a 400',
  { skip },
  async () => {
    const run = await docker(daemon.env, ['run', '-d', '-i', '--name', 'ws-cat', 'busybox', 'cat']);
    assert.equal(run.code, 0, run.stderr);
    const ws = new WebSocket(
      'ws+unix://' + daemon.socketPath + ':/v1.47/containers/ws-cat/attach/ws?stream=1&stdin=1&stdout=1&stderr=1',
    );
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const got = new Promise<string>((resolve) => {
      let text = '';
      ws.on('message', (d: Buffer) => {
        text += d.toString();
        if (text.includes('over ws\n')) resolve(text);
      });
    });
    ws.send(Buffer.from('over ws\n'));
    assert.equal(await got, 'over ws\n');
    ws.close();
    const bad = await docker(daemon.env, ['attach', '--detach-keys', 'ctrl-1', 'ws-cat']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /received 400/);
    const badExec = await docker(daemon.env, ['exec', '--detach-keys', 'nonsense', 'ws-cat', 'true']);
    assert.equal(badExec.stderr, 'Error response from daemon: Invalid escape keys (nonsense) provided\n');
  },
);
