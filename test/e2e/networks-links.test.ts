// Legacy links side by side with Docker's engine: variables, /etc/hosts, inspect and DELETE ?link=1 on the
// default bridge; on a user network, an alias that only the linking container resolves.
import assert from 'node:assert/strict';
import { docker } from '../helpers/run.js';
import { api, bothEngines, ok, sideBySide } from './networks-sides.js';

sideBySide();

bothEngines('legacy links: env, /etc/hosts, inspect, DELETE ?link=1, and their errors', async (e) => {
  await ok(e, [
    'run',
    '-d',
    '--name',
    'db',
    '-e',
    'DBPASS=secret',
    '--expose',
    '5432',
    '--expose',
    '53/udp',
    'busybox',
    'sleep',
    '600',
  ]);
  const dbIp = (await ok(e, ['inspect', '-f', '{{.NetworkSettings.IPAddress}}', 'db'])).trim();
  const dbHost = (await ok(e, ['inspect', '-f', '{{.Config.Hostname}}', 'db'])).trim();
  const out = await ok(e, [
    'run',
    '--name',
    'app',
    '--link',
    'db:data-base',
    '--link',
    'db',
    'busybox',
    'sh',
    '-c',
    'env; cat /etc/hosts',
  ]);
  const env = out
    .split('\n')
    .filter((l) => /^(DATA_BASE|DB)_/.test(l))
    .sort();
  assert.ok(env.includes('DATA_BASE_NAME=/app/data-base'), env.join('\n'));
  assert.ok(env.includes('DB_NAME=/app/db'));
  assert.ok(env.includes(`DATA_BASE_PORT=udp://${dbIp}:53`));
  assert.ok(env.includes(`DATA_BASE_PORT_5432_TCP=tcp://${dbIp}:5432`));
  assert.ok(env.includes(`DATA_BASE_PORT_5432_TCP_ADDR=${dbIp}`));
  assert.ok(env.includes('DATA_BASE_PORT_5432_TCP_PORT=5432'));
  assert.ok(env.includes('DATA_BASE_PORT_53_UDP_PROTO=udp'));
  assert.ok(env.includes('DB_ENV_DBPASS=secret'));
  assert.ok(!env.some((l) => l.startsWith('DB_ENV_PATH=')), 'PATH of the linked container is left out');
  assert.equal(env.length, 22, env.join('\n'));
  assert.match(out, new RegExp(`\\n${dbIp.replace(/\./g, '\\.')}\\tdata-base ${dbHost} db\\n`));
  assert.match(out, new RegExp(`\\n${dbIp.replace(/\./g, '\\.')}\\tdb ${dbHost}\\n`));
  assert.deepEqual(JSON.parse(await ok(e, ['inspect', '-f', '{{json .HostConfig.Links}}', 'app'])).sort(), [
    '/db:/app/data-base',
    '/db:/app/db',
  ]);

  await ok(e, ['run', '-d', '--name', 'app2', '--link', 'db:database', 'busybox', 'sleep', '600']);
  assert.match(await ok(e, ['exec', 'app2', 'cat', '/etc/hosts']), /\tdatabase /);
  assert.equal((await api(e, 'DELETE', '/v1.41/containers/app2/database?link=1')).status, 204);
  assert.equal(await ok(e, ['inspect', '-f', '{{json .HostConfig.Links}}', 'app2']), 'null\n');
  assert.doesNotMatch(
    await ok(e, ['exec', 'app2', 'cat', '/etc/hosts']),
    /\tdatabase /,
    'the running container no longer has the name',
  );
  const again = await api(e, 'DELETE', '/v1.41/containers/app2/database?link=1');
  assert.equal(again.status, 404);
  assert.equal(again.json.message, 'No such container: app2/database');

  const ownName = await api(e, 'DELETE', '/v1.41/containers/app2?link=1');
  assert.ok(ownName.status >= 400);
  assert.equal(ownName.json.message, 'Conflict, cannot remove the default link name of the container');
  assert.equal(await ok(e, ['inspect', '-f', '{{.State.Running}}', 'app2']), 'true\n', 'nothing was removed');

  const missing = await api(e, 'POST', '/v1.41/containers/create?name=l2', {
    Image: 'busybox',
    HostConfig: { Links: ['nosuch:x'] },
  });
  assert.equal(missing.status, 400);
  assert.equal(missing.json.message, 'could not get container for nosuch: No such container: nosuch');
  await ok(e, ['create', '--name', 'stopped', 'busybox', 'true']);
  const notRunning = await docker(e.env, ['run', '--name', 'l3', '--link', 'stopped:s', 'busybox', 'true']);
  assert.match(notRunning.stderr, /Cannot link to a non running container: \/stopped AS \/l3\/s/);
  await ok(e, ['rm', '-f', 'db', 'app', 'app2', 'stopped', 'l3']);
});

bothEngines('links on a user network: an alias only the linking container resolves', async (e) => {
  await ok(e, ['network', 'create', 'lnet']);
  await ok(e, ['run', '-d', '--name', 'udb', '--network', 'lnet', 'busybox', 'sleep', '600']);
  await ok(e, ['run', '-d', '--name', 'uapp', '--network', 'lnet', '--link', 'udb:thedb', 'busybox', 'sleep', '600']);
  assert.equal(
    await ok(e, ['inspect', '-f', '{{json .HostConfig.Links}} {{json .NetworkSettings.Networks.lnet.Links}}', 'uapp']),
    'null ["udb:thedb"]\n',
  );
  const udbIp = (await ok(e, ['inspect', '-f', '{{.NetworkSettings.Networks.lnet.IPAddress}}', 'udb'])).trim();
  assert.match(
    await ok(e, ['exec', 'uapp', 'nslookup', 'thedb']),
    new RegExp(`Address: ${udbIp.replace(/\./g, '\\.')}`),
  );
  if (e.name === 'berthd') {
    // Docker's resolver has no upstream in its namespace and times out; berth's relays to the fake upstream.
    const other = await docker(e.env, ['exec', 'udb', 'nslookup', 'thedb']);
    assert.doesNotMatch(other.stdout, new RegExp(`Address: ${udbIp.replace(/\./g, '\\.')}`));
  }
  await ok(e, ['rm', '-f', 'udb', 'uapp']);
  await ok(e, ['network', 'rm', 'lnet']);
});
