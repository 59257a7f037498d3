// Makes V8's code cache of the CLI bundle (dist/src/cli/berth.cjs.cache), run by scripts/build-cli.mjs in a process
// of its own. V8 compiles a function when it is first called, and a code cache holds the functions compiled when it
// was made: made right after the bundle's top level ran, it left every function a command calls to be compiled at
// each start (~5 ms of CPU for `berth version`). So the cache is made after the commands people run most, `version`,
// `ps` and `images`, ran once against a stand-in daemon on a temporary socket, which answers those requests with
// fixed bodies. Only which functions are compiled comes from here: V8 checks a cache against the source it was made
// from and compiles as before when it does not match. A warm-up command that fails fails the build (the stand-in
// answers no more than those commands ask).
'use strict';
const { mkdtempSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const { createServer } = require('node:http');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { loadBundle } = require('../bin/load-bundle.cjs');

const [bundlePath] = process.argv.slice(2);
if (!bundlePath) throw new Error('usage: cli-code-cache.cjs BUNDLE');

const WARM_UP = [['version'], ['ps'], ['images']];

const IMAGE_ID = `sha256:${'ab'.repeat(32)}`;
const ANSWERS = {
  '/v1.47/version': {
    Platform: { Name: 'berth' },
    Components: [
      { Name: 'Engine', Version: '0.0.0', Details: { ApiVersion: '1.47', MinAPIVersion: '1.24', Os: 'linux' } },
      { Name: 'runc', Version: '0.0.0', Details: { GitCommit: '' } },
    ],
    Version: '0.0.0',
    ApiVersion: '1.47',
    MinAPIVersion: '1.24',
    Os: 'linux',
    Arch: 'amd64',
    BuildTime: '2026-01-01T00:00:00.000000000+00:00',
  },
  '/v1.47/containers/json': [
    {
      Id: 'cd'.repeat(32),
      Names: ['/warm-up'],
      Image: 'busybox',
      ImageID: IMAGE_ID,
      Command: 'sleep 1',
      Created: 1700000000,
      Ports: [{ IP: '0.0.0.0', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' }],
      Labels: {},
      State: 'running',
      Status: 'Up 1 second',
      Mounts: [],
    },
  ],
  '/v1.47/images/json': [
    { Containers: -1, Created: 1700000000, Id: IMAGE_ID, RepoDigests: [], RepoTags: ['busybox:latest'], Size: 1982430 },
  ],
};

function answer(req, res) {
  const path = req.url.split('?')[0];
  res.setHeader('Api-Version', '1.47');
  if (path === '/_ping') return res.end('OK');
  const body = ANSWERS[path];
  res.statusCode = body ? 200 : 404;
  res.setHeader('Content-Type', 'application/json');
  res.end(JSON.stringify(body ?? { message: `the warm-up stand-in has no answer for ${req.method} ${req.url}` }));
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'berth-cli-cache-'));
  const server = createServer(answer);
  try {
    const socket = join(dir, 'd.sock');
    await new Promise((resolve) => server.listen(socket, resolve));
    delete process.env.BERTH_HOST;
    process.env.DOCKER_HOST = `unix://${socket}`;
    const { exports, script } = loadBundle(bundlePath, readFileSync(bundlePath, 'utf8'));
    for (const args of WARM_UP) {
      const code = await exports.main(['node', 'berth', ...args]);
      if (code !== 0) throw new Error(`warm-up \`berth ${args.join(' ')}\` exited ${code}`);
    }
    writeFileSync(`${bundlePath}.cache`, script.createCachedData());
  } finally {
    server.closeAllConnections();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`cli-code-cache: ${err.stack ?? err}\n`);
  process.exitCode = 1;
});
