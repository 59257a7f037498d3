import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, readFileSync } from 'node:fs';
import { Socket } from 'node:net';
import type { Writable } from 'node:stream';
import { setTimeout } from 'node:timers/promises';
import { pipeNoFork, spawnNoFork } from './posix-spawn.js';
import { childExit, endingChild } from './child-exit.js';
import { launchProcess } from './launch-process.js';

test('posix_spawn gives the child its fds, directory, environment, session and default signals', async (t) => {
  const pipe = pipeNoFork();
  if (pipe === 'unavailable') return t.skip('no C library binding here');
  const [read, write] = pipe;
  // The shell reads its own status with builtins: a grep would read it while the shell forks, and dash blocks
  // every signal around a fork (the test saw that mask about one run in three under load).
  const script =
    'echo "$X $(pwd)" >&3; ls /proc/$$/fd >&3; ' +
    'while read -r line; do case $line in SigIgn*|SigBlk*|NSsid*) echo "$line" >&3;; esac; done < /proc/$$/status';
  const pid = await spawnNoFork('/bin/sh', ['-c', script], {
    stdio: ['null', 'null', 'null', write],
    cwd: '/tmp',
    env: { X: 'y', PATH: '/usr/bin:/bin' },
    setsid: true,
  });
  closeSync(write);
  assert.notEqual(pid, 'unavailable');
  if (pid === 'unavailable') return;
  let out = '';
  const fifo = new Socket({ fd: read, readable: true, writable: false });
  fifo.on('data', (d: Buffer) => (out += d.toString()));
  await new Promise((resolve) => fifo.on('end', resolve));
  await childExit(pid);
  const [first, ...rest] = out.trim().split('\n');
  assert.equal(first, 'y /tmp');
  // Nothing ignored (glibc's own signals 32 and 33 included) and nothing blocked, as after Node's spawn.
  assert.match(out, /SigIgn:\s+0+\n/);
  assert.match(out, /SigBlk:\s+0+\n/);
  assert.match(out, new RegExp(`NSsid:\\s+${pid}\\b`));
  // 0-3, and the shell's own copy of 3 for ls's redirection at most: nothing of this process leaked.
  assert.ok(
    rest.filter((l) => /^\d+$/.test(l)).every((fd) => Number(fd) <= 3 || Number(fd) >= 10),
    out,
  );
  await assert.rejects(spawnNoFork('/nonexistent', [], { stdio: [], env: {} }), { code: 'ENOENT' });
});

test('posix_spawn with processGroup: a group of its own, in the session of its parent', async (t) => {
  const pipe = pipeNoFork();
  if (pipe === 'unavailable') return t.skip('no C library binding here');
  const [read, write] = pipe;
  // /proc/PID/stat after the command's name: state, ppid, pgrp, session.
  const script = 'read -r line < /proc/$$/stat; echo "${line##*) }" >&3';
  const pid = await spawnNoFork('/bin/sh', ['-c', script], {
    stdio: ['null', 'null', 'null', write],
    env: { PATH: '/usr/bin:/bin' },
    processGroup: true,
  });
  closeSync(write);
  assert.notEqual(pid, 'unavailable');
  if (pid === 'unavailable') return;
  let out = '';
  const fifo = new Socket({ fd: read, readable: true, writable: false });
  fifo.on('data', (d: Buffer) => (out += d.toString()));
  await new Promise((resolve) => fifo.on('end', resolve));
  await childExit(pid);
  const [, , pgrp, session] = out.trim().split(' ');
  const ours = readFileSync('/proc/self/stat', 'utf8');
  const ourSession = ours.slice(ours.lastIndexOf(')') + 2).split(' ')[3];
  assert.equal(Number(pgrp), pid, out);
  assert.equal(session, ourSession, out);
});

test('a long-lived child is left a zombie until its end is announced, then reaped', async (t) => {
  const child = await launchProcess('/bin/sh', ['-c', 'read -r x'], {
    stdio: ['input', 'ignore', 'ignore'],
    env: { PATH: '/usr/bin:/bin' },
    processGroup: true,
    longLived: true,
  });
  if ('exitCode' in child) return t.skip('Node spawn stands in here: it reaps the child itself');
  const pid = child.pid!;
  const state = (): string => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0]!;
    } catch {
      return 'gone';
    }
  };
  // Its input ends: it exits, and no SIGCHLD reaps it while nobody said it ends.
  (child.stdio[0] as Writable).end();
  const deadline = Date.now() + 10_000;
  while (state() !== 'Z' && Date.now() < deadline) await setTimeout(20);
  assert.equal(state(), 'Z');
  endingChild(pid);
  while (state() !== 'gone' && Date.now() < deadline) await setTimeout(20);
  assert.equal(state(), 'gone');
});
