// The layer rules of docs/architecture.md: imports point down the layers only.
// L0 lib/ spec/ gen/ -> L1 core/ -> L2 drivers/ -> L3 engine/ builder/ -> L4 api/ registry/ buildkit/ cri/ -> L5 daemon/ client/ -> L6 compose/ cli/ dashboard/
const layer = (name) => `^src/${name}/`;
const forbid = (name, from, to, comment) => ({
  name,
  severity: 'error',
  comment,
  from: { path: from },
  to: { path: to },
});

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
    forbid(
      'lib-spec-are-leaves',
      '^src/(lib|spec|gen)/',
      '^src/(core|drivers|engine|builder|api|registry|buildkit|daemon|client|cli|dashboard)/',
      'lib/, spec/ and gen/ know no domain',
    ),
    forbid(
      'core-is-pure',
      layer('core'),
      '^src/(drivers|engine|builder|api|registry|buildkit|daemon|client|cli|dashboard)/',
      'core/ sees only lib/ and spec/',
    ),
    forbid(
      'core-no-host-effects',
      layer('core'),
      '^(fs|node:fs|child_process|node:child_process|net|node:net|http|node:http|fs/promises|node:fs/promises)$',
      'core/ has no fs, net or child_process',
    ),
    forbid(
      'drivers-below-engine',
      layer('drivers'),
      '^src/(engine|builder|api|registry|buildkit|daemon|client|cli|dashboard)/',
      'drivers/ implement core/ only',
    ),
    forbid(
      'engine-sees-core-not-drivers',
      '^src/(engine|builder)/',
      '^src/(drivers|api|registry|buildkit|daemon|client|cli|dashboard)/',
      'engine/ and builder/ get drivers injected',
    ),
    forbid(
      'api-below-daemon',
      '^src/(api|registry|buildkit)/',
      '^src/(drivers|daemon|client|cli|dashboard)/',
      'api/, registry/ and buildkit/ call engine/ and builder/, never drivers',
    ),
    forbid(
      'registry-server-client-apart',
      layer('registry'),
      '^src/drivers/remote-registry/',
      'registry server and client share only spec/ and core/content',
    ),
    forbid(
      'client-is-spec-and-lib',
      layer('client'),
      '^src/(core|drivers|engine|builder|api|registry|buildkit|daemon|cli|dashboard)/',
      'client/ uses spec/ and lib/ only',
    ),
    forbid(
      'compose-uses-client',
      layer('compose'),
      '^src/(core|drivers|engine|builder|api|registry|buildkit|daemon|cli|dashboard)/',
      "compose/ reaches the engine only through client/, so it drives Docker's engine as well as berthd",
    ),
    forbid(
      'only-cli-and-dashboard-import-compose',
      '^src/(?!(cli|compose|dashboard)/)',
      '^src/compose/',
      "compose/ is L6: only cli/ and the dashboard's compose actions use it",
    ),
    forbid(
      'cri-beside-api',
      layer('cri'),
      '^src/(drivers|api|registry|daemon|client|cli|dashboard|compose)/',
      'cri/ calls engine/ use cases, beside api/ and never through it',
    ),
    forbid(
      'only-daemon-wires-cri',
      '^src/(lib|spec|gen|core|drivers|engine|builder|api|registry|client|compose)/',
      layer('cri'),
      'cri/ is wired by daemon/ only',
    ),
    forbid('nothing-imports-top', '^src/(?!cli/)', '^src/cli/', 'nothing imports cli/'),
    forbid('nothing-imports-dashboard', '^src/(?!dashboard/)', '^src/dashboard/', 'nothing imports dashboard/'),
    // `berth registry serve` runs daemon/registry-host.ts in the CLI process: bin/berth hands it in (cli/server-hooks.ts).
    forbid('nothing-imports-daemon', '^src/(?!daemon/)', '^src/daemon/', 'nothing imports daemon/'),
    forbid(
      'cli-dashboard-use-client',
      '^src/(cli|dashboard)/',
      '^src/(core|drivers|engine|builder|api|registry|buildkit|daemon)/',
      'cli/ and dashboard/ reach the daemon only through the Engine API',
    ),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.test\\.ts$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
      extensions: ['.ts', '.js'],
    },
  },
};
