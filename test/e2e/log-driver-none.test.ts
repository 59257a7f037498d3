// The `none` log driver against Docker's own engine: the same containers run on dockerd and on berthd with
// --log-driver none; they run and attach as any other, `docker logs` is refused as Docker refuses it (501,
// "configured logging driver does not support reading"), and inspect shows the driver. Skips without root or
// without dockerd.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apiRequest } from '../helpers/daemon.js';
import { docker } from '../helpers/run.js';
import { ENGINES, skipClients, useEngines } from '../helpers/engines.js';

const skip = skipClients();
const engine = useEngines(skip);
const daemons = () => ENGINES.map(engine);

/** What a CLI call gave: its exit code, its output, its error (daemon-neutral). */
async function outcome(env: NodeJS.ProcessEnv, args: string[]): Promise<string> {
  const r = await docker(env, args);
  return `${args.join(' ')} -> ${r.code} out=${JSON.stringify(r.stdout)} err=${JSON.stringify(r.stderr.trim())}`;
}

test(
  'log driver none: the container runs and attaches, logs are refused as Docker refuses them, inspect shows it',
  { skip },
  async () => {
    const results: Record<string, string[]> = {};
    await Promise.all(
      daemons().map(async ({ name, env, socketPath: socket }) => {
        const out: string[] = [];
        // Attached output does not go through the log driver.
        out.push(
          await outcome(env, ['run', '--rm', '--network', 'none', '--log-driver', 'none', 'busybox', 'echo', 'hello']),
        );
        out.push(
          await outcome(env, [
            'run',
            '-d',
            '--network',
            'none',
            '--log-driver',
            'none',
            '--name',
            'quiet',
            'busybox',
            'sh',
            '-c',
            'echo hi; sleep 600',
          ]),
        );
        out[out.length - 1] = out[out.length - 1]?.replace(/out="[0-9a-f]{64}\\n"/, 'out=<id>') ?? '';
        out.push(
          await outcome(env, [
            'inspect',
            '--format',
            '{{.State.Running}} {{json .HostConfig.LogConfig}} path={{.LogPath}}',
            'quiet',
          ]),
        );
        for (const args of [
          ['logs', 'quiet'],
          ['logs', '-f', 'quiet'],
          ['logs', '--tail', '1', 'quiet'],
        ])
          out.push(await outcome(env, args));
        const api = await apiRequest(socket, '/containers/quiet/logs?stdout=1&stderr=1', { method: 'GET' });
        out.push(`GET logs -> ${api.status} ${api.body.trim()}`);
        // Options: the docker CLI refuses them for none itself; through the API the daemon decides.
        const created = await apiRequest(socket, '/containers/create?name=opts', {
          method: 'POST',
          json: {
            Image: 'busybox',
            Cmd: ['true'],
            HostConfig: { NetworkMode: 'none', LogConfig: { Type: 'none', Config: { 'max-size': '1k' } } },
          },
        });
        out.push(`create with options -> ${created.status} ${created.status === 201 ? '' : created.body.trim()}`);
        out.push(await outcome(env, ['inspect', '--format', '{{json .HostConfig.LogConfig}}', 'opts']));
        out.push(await outcome(env, ['rm', '-f', 'quiet', 'opts']));
        results[name] = out;
      }),
    );
    assert.deepEqual(results.berthd, results.dockerd);
    assert.match(results.dockerd?.[0] ?? '', /-> 0 out="hello\\n"/, 'the attached run printed its output');
  },
);
