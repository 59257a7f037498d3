// `docker commit --change` against Docker's own engine, side by side on dockerd 20.10 and berthd: which
// instructions a commit takes (HEALTHCHECK among them), how each bad change is refused, and what the accepted
// ones make of the image's config. berthd answers as dockerd v27 (its API version): STOPSIGNAL is allowed there
// (20.10 refuses it) and go-connections' port errors begin in lower case ("invalid containerPort", 20.10's
// "Invalid"): answers are compared without case, STOPSIGNAL apart. Skips without root or without dockerd.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { docker } from '../helpers/run.js';
import { ENGINES, skipClients, useEngines } from '../helpers/engines.js';

const skip = skipClients();
const engine = useEngines(skip);

const REFUSED = [
  'FOO bar',
  'RUN echo hi',
  'COPY a b',
  'FROM busybox',
  'ARG x=1',
  'SHELL ["sh"]',
  'MAINTAINER me',
  'ENV',
  'ENV A',
  'ENV A=1 B',
  'EXPOSE',
  'EXPOSE abc',
  'EXPOSE 70000',
  'EXPOSE 80/xyz',
  'LABEL',
  'LABEL a',
  'USER',
  'WORKDIR',
  'VOLUME',
  'ONBUILD',
  'ONBUILD FROM x',
  'ONBUILD ONBUILD RUN x',
  'HEALTHCHECK --bogus=1 CMD true',
  'HEALTHCHECK --interval=abc CMD true',
  'HEALTHCHECK CMD',
  'HEALTHCHECK FOO',
];

const ACCEPTED = [
  ['HEALTHCHECK --interval=5s --retries=2 CMD ["true"]'],
  ['HEALTHCHECK NONE'],
  ['env A=1', 'ENV B=$A-x C="two words"'],
  ['EXPOSE 80 90/udp 7000-7001'],
  ['LABEL a=b "c d"=e'],
  ['WORKDIR /srv', 'WORKDIR app'],
  ['USER nobody', 'VOLUME /data ["/v2"]', 'ONBUILD RUN echo hi'],
  ['ENTRYPOINT ["/bin/echo"]'],
  ['CMD echo hi'],
];

const FIELDS =
  '{{json .Config.Healthcheck}} {{json .Config.Env}} {{json .Config.ExposedPorts}} {{json .Config.Labels}} ' +
  '{{.Config.WorkingDir}} {{.Config.User}} {{json .Config.Volumes}} {{json .Config.OnBuild}} ' +
  '{{json .Config.Entrypoint}} {{json .Config.Cmd}}';

test('commit --change: what a commit takes and how it refuses, as dockerd', { skip }, async () => {
  await engine.ready();
  const results: Record<string, string[]> = {};
  await Promise.all(
    ENGINES.map(async (side) => {
      const e = engine(side);
      const out: string[] = [];
      const made = await docker(e.env, ['create', '--name', 'base', '--network', 'none', 'busybox', 'true']);
      assert.equal(made.code, 0, made.stderr);
      for (const change of REFUSED) {
        const r = await docker(e.env, ['commit', '--change', change, 'base']);
        out.push(`[${change}] -> ${r.code} ${r.stderr.trim().toLowerCase()}`);
      }
      for (const changes of ACCEPTED) {
        const r = await docker(e.env, ['commit', ...changes.flatMap((c) => ['--change', c]), 'base']);
        if (r.code !== 0) {
          out.push(`${JSON.stringify(changes)} -> ${r.code} ${r.stderr.trim()}`);
          continue;
        }
        const id = r.stdout.trim();
        let fields = (await docker(e.env, ['image', 'inspect', '-f', FIELDS, id])).stdout.trim();
        // dockerd 20.10 has no StartInterval; berthd's is 0 unless set.
        fields = fields.replace(/,"StartInterval":0/, '');
        out.push(`${JSON.stringify(changes)} -> ${fields}`);
        await docker(e.env, ['rmi', id]);
      }
      const stop = await docker(e.env, ['commit', '--change', 'STOPSIGNAL SIGUSR1', 'base']);
      if (side === 'berthd') {
        assert.equal(stop.code, 0, stop.stderr);
        const sig = await docker(e.env, ['image', 'inspect', '-f', '{{.Config.StopSignal}}', stop.stdout.trim()]);
        assert.equal(sig.stdout.trim(), 'SIGUSR1');
      } else assert.match(stop.stderr, /stopsignal is not a valid change command/);
      await docker(e.env, ['rm', 'base']);
      results[side] = out;
    }),
  );
  if (results.dockerd && results.berthd) assert.deepEqual(results.berthd, results.dockerd);
  assert.ok(
    results.berthd?.some((l) => l.includes('"Interval":5000000000')),
    'HEALTHCHECK applied',
  );
});
