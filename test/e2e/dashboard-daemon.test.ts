// berthd's --dashboard flags without a browser: the token file, a given token, off, a taken address,
// a non-loopback address without a token, and assets that do not escape their directory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { startDaemon, isRoot } from '../helpers/daemon.js';
import { dashboardUrl } from '../helpers/dashboard.js';

const skip = !isRoot() && 'needs root';

test('the token is written 0600 under the exec root, guards the API, and goes at stop', { skip }, async () => {
  const daemon = await startDaemon({ dashboard: '127.0.0.1:0' });
  try {
    const { url, login } = await dashboardUrl(daemon);
    const tokenFile = join(daemon.execRoot, 'dashboard-token');
    const token = readFileSync(tokenFile, 'utf8').trim();
    assert.equal(statSync(tokenFile).mode & 0o777, 0o600);
    assert.equal(new URL(login).searchParams.get('token'), token);
    assert.ok(token.length >= 32);
    assert.equal((await fetch(`${url}api/_ping`)).status, 401);
    const ping = await fetch(`${url}api/_ping`, { headers: { Authorization: `Bearer ${token}` } });
    assert.equal(ping.status, 200);
    assert.equal(await ping.text(), 'OK');
    // The SPA is public (it holds no secret); deep links get index.html; nothing outside the assets.
    const index = await fetch(`${url}containers/abc`);
    assert.equal(index.status, 200);
    assert.match(await index.text(), /<div id="app">/);
    const escape = await fetch(`${url}..%2f..%2f..%2fpackage.json`);
    assert.doesNotMatch(await escape.text(), /"name": "berth"/);
    assert.equal((await fetch(`${url}%E0%A4%A`)).status, 200);
    assert.equal(await daemon.stop(), 0);
    assert.equal(existsSync(tokenFile), false);
  } finally {
    await daemon.cleanup();
  }
});

test('--dashboard-token sets the token; --dashboard off serves nothing', { skip }, async () => {
  const given = 'a-token-chosen-by-the-user';
  const daemon = await startDaemon({ dashboard: '127.0.0.1:0', extraArgs: ['--dashboard-token', given] });
  try {
    const { url } = await dashboardUrl(daemon);
    assert.equal((await fetch(`${url}api/_ping`, { headers: { Authorization: `Bearer ${given}` } })).status, 200);
    const login = await fetch(`${url}login?token=${given}`, { redirect: 'manual' });
    assert.equal(login.status, 303);
  } finally {
    await daemon.cleanup();
  }
  const off = await startDaemon({ dashboard: 'off' });
  try {
    assert.doesNotMatch(off.logs(), /dashboard listening/);
    assert.equal(existsSync(join(off.execRoot, 'dashboard-token')), false);
  } finally {
    await off.cleanup();
  }
});

test('a taken address named explicitly fails the start, with the reason', { skip }, async () => {
  const holder = createServer();
  holder.listen(0, '127.0.0.1');
  await once(holder, 'listening');
  const { port } = holder.address() as { port: number };
  try {
    const daemon = await startDaemon({ dashboard: `127.0.0.1:${port}` }).catch((err: Error) => err);
    if (daemon instanceof Error) {
      assert.match(daemon.message, /dashboard: cannot listen on 127\.0\.0\.1:\d+: .*EADDRINUSE/);
    } else {
      const [code] = (await once(daemon.process, 'exit')) as [number];
      assert.equal(code, 1);
      assert.match(daemon.logs(), /dashboard: cannot listen on 127\.0\.0\.1:\d+: .*EADDRINUSE/);
      await daemon.cleanup();
    }
  } finally {
    holder.close();
  }
});

test('a non-loopback address without a token is refused at start', { skip }, async () => {
  const err = await startDaemon({ dashboard: '0.0.0.0:0' }).then(
    async (d) => {
      await d.cleanup();
      return undefined;
    },
    (e: Error) => e,
  );
  assert.match(err?.message ?? '', /dashboard address 0\.0\.0\.0 is not loopback: set a token/);
});
