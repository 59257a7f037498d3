// `berth compose` against Docker's engine and berthd side by side (each scenario runs on both at once), the rest of
// the corpus: interpolation and env files, profiles, scale, an attached `up`, secrets and configs, per-service options,
// an override file (docker-compose 1.29 runs the corpus in clients-compose.test.ts).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { checkOptions, useComposeEngines } from './compose-harness.js';

const scenario = useComposeEngines();

scenario('interpolation: the environment, .env, defaults, env_file and $$', async (s) => {
  await s.ok('interpolation', ['up', '-d'], { FROM_SHELL_ONLY: 'unused' });
  const env = (await s.exec('interpolation-env-1', ['env'])).stdout;
  for (const line of [
    'GREETING=hello from dotenv',
    'FALLBACK=fallback',
    'LITERAL=$HOME',
    'FROM_FILE=file value',
    'FROM_FILE_OVERRIDDEN=from-environment',
    'QUOTED=a hello from dotenv b',
  ])
    assert.ok(env.split('\n').includes(line), `${line} in:\n${env}`);
  assert.equal(
    await s.inspect('interpolation-env-1', '{{index .Config.Labels "berth.test/greeting"}}'),
    'hello from dotenv',
  );
  // The shell's environment wins over .env.
  const config = (await s.ok('interpolation', ['config'], { GREETING: 'from shell' })).stdout;
  assert.match(config, /GREETING: from shell/);
  await s.downClean('interpolation', 'interpolation');
});

scenario('profiles: a service with a profile runs only when it is enabled', async (s) => {
  await s.ok('profiles', ['up', '-d']);
  assert.deepEqual((await s.ok('profiles', ['ps', '--services'])).stdout, 'main\n');
  await s.ok('profiles', ['--profile', 'debug', 'up', '-d']);
  assert.deepEqual((await s.ok('profiles', ['ps', '--services'])).stdout, 'debug\nmain\n');
  await s.ok('profiles', ['--profile', 'debug', 'down', '-v']);
  assert.deepEqual(await s.leftovers('profiles'), []);
});

scenario('scale: deploy.replicas makes numbered containers that answer to the service name', async (s) => {
  await s.ok('scale', ['up', '-d']);
  const names = (
    await s.dockerOk(['ps', '--filter', 'label=com.docker.compose.service=worker', '--format', '{{.Names}}'])
  )
    .split('\n')
    .filter(Boolean)
    .sort();
  assert.deepEqual(names, ['scale-worker-1', 'scale-worker-2', 'scale-worker-3']);
  const lookup = await s.exec('scale-probe-1', ['nslookup', 'worker']);
  const addresses = lookup.stdout
    .split('\n')
    .filter((l) => /^Address:?\s+\d+\.\d+\.\d+\.\d+$/.test(l.trim()) && !/:53$/.test(l));
  assert.ok(addresses.length >= 3, lookup.stdout + lookup.stderr);
  await s.downClean('scale', 'scale');
});

scenario('attached up: service_completed_successfully, logs followed until every container exited', async (s) => {
  const r = await s.ok('attached', ['up', '--no-color']);
  assert.match(r.stdout, /^app-1 +\| migrated$/m);
  assert.match(r.stdout, /^app-1 +\| app done$/m);
  assert.match(r.stdout, /^app-1 exited with code 0$/m);
  assert.match(r.stdout, /^migrate-1 exited with code 0$/m);
  assert.equal(await s.inspect('attached-migrate-1', '{{.State.ExitCode}}'), '0');
  assert.deepEqual((await s.ok('attached', ['config', '--volumes'])).stdout, 'shared\n');
  await s.downClean('attached', 'attached');
});

scenario('secrets and configs: file sources bound read-only, environment and inline ones written in', async (s) => {
  await s.ok('secrets', ['up', '-d']);
  const cat = async (path: string): Promise<string> => {
    const r = await s.exec('secrets-app-1', ['cat', path]);
    assert.equal(r.code, 0, `${path}: ${r.stderr}`);
    return r.stdout;
  };
  assert.equal(await cat('/run/secrets/db_password'), 'hunter2\n');
  assert.equal(await cat('/run/secrets/api.key'), 'key-from-dotenv');
  assert.equal(await cat('/app_conf'), 'setting=1\n');
  assert.equal(await cat('/etc/inline.conf'), 'inline=yes');
  const modes = await s.exec('secrets-app-1', ['stat', '-c', '%a %n', '/run/secrets/api.key', '/etc/inline.conf']);
  assert.equal(modes.stdout, '400 /run/secrets/api.key\n440 /etc/inline.conf\n');
  const write = await s.exec('secrets-app-1', ['sh', '-c', 'echo x > /run/secrets/db_password']);
  assert.notEqual(write.code, 0, 'a file secret is read-only');
  await s.downClean('secrets', 'secrets');
});

scenario('per-service options; an override file', async (s) => {
  await s.ok('options', ['up', '-d']);
  await checkOptions(s, 'options-app-1');
  await s.downClean('options', 'options');

  const override = ['-f', join(s.corpus, 'override/compose.override.yaml')];
  await s.ok('override', [...override, 'up', '-d']);
  const web = await s.exec('override-probe-1', ['wget', '-qO-', 'http://web/']);
  assert.equal(web.stdout, 'base override\n', web.stderr);
  await s.ok('override', [...override, 'down', '-v']);
  assert.deepEqual(await s.leftovers('override'), []);
});
