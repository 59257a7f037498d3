// Bundles the berth CLI (tsc's dist/src/cli/main.js and what it imports) into one CommonJS file,
// dist/src/cli/berth.cjs, which bin/berth loads. One file instead of ~30 ES modules cuts the CLI's start-up
// (module resolution and loading, see docs/architecture.md). Verbs stay lazy: esbuild turns each
// `import('./verb.js')` into a function that runs that verb's module on first use.
// The bundle sits beside main.js so paths relative to the module (../../../package.json) resolve the same.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'));

// Bundled: berth's own code and commander (every command needs it). Every other package stays in node_modules
// and is required when the verb that needs it runs (native addons and pino's destinations cannot be bundled).
const external = Object.keys(pkg.dependencies).filter((name) => name !== 'commander');

// The Compose schema's compiled validator (src/gen/compose-spec-validate.ts, ~240 KB) is half the bundle's bytes, and
// V8 parses every byte of the file at each start, whatever the command. It is bundled apart, beside its module, and
// the CLI's bundle requires it when a compose command first validates a file.
const BUNDLE = 'dist/src/cli/berth.cjs';
const COMPOSE_VALIDATOR = 'dist/src/gen/compose-spec-validate.cjs';
const composeValidatorApart = {
  name: 'compose-validator-apart',
  setup(b) {
    b.onResolve({ filter: /\/gen\/compose-spec-validate\.js$/ }, () => ({
      path: '../gen/compose-spec-validate.cjs',
      external: true,
    }));
  },
};

// commander requires node:child_process at its top for executable subcommands, which berth never uses; loading
// Node's child_process module cost every command ~4 ms of CPU. commander gets it on first use instead.
const commanderChildProcessOnUse = {
  name: 'commander-child-process-on-use',
  setup(b) {
    b.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
      args.importer.includes('/node_modules/commander/')
        ? { path: 'child_process', namespace: 'child-process-on-use' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'child-process-on-use' }, () => ({
      contents: "module.exports = { get spawn() { return require('node:child_process').spawn; } };",
      loader: 'js',
    }));
  },
};

// berth's modules import createRequire from node:module to load a module on use (node:http for streams, koffi);
// Node's node:module builtin loads the ES module loader and the source-map support with it (~0.4 ms of CPU a
// command, for `ps` and `images` for nothing). The bundle gets node:module on the first call instead.
const nodeModuleOnUse = {
  name: 'node-module-on-use',
  setup(b) {
    b.onResolve({ filter: /^(node:)?module$/ }, (args) =>
      args.namespace === 'node-module-on-use' ? undefined : { path: 'module', namespace: 'node-module-on-use' },
    );
    b.onLoad({ filter: /.*/, namespace: 'node-module-on-use' }, () => ({
      contents: "module.exports = { createRequire: (from) => require('node:module').createRequire(from) };",
      loader: 'js',
    }));
  },
};

const shared = {
  absWorkingDir: new URL('.', root).pathname,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external,
  minify: true,
  sourcemap: 'linked',
  // CommonJS has no import.meta: give the bundled modules the bundle's own URL, made on first use (pathToFileURL
  // costs ~0.5 ms of CPU, and `ps` or `images` never asks for it).
  define: { 'import.meta.url': '__bundle.url' },
  banner: {
    js: 'const __bundle = { get url() { return (this.value ??= require("node:url").pathToFileURL(__filename).href); } };',
  },
  logLevel: 'warning',
};

await build({ ...shared, entryPoints: ['dist/src/gen/compose-spec-validate.js'], outfile: COMPOSE_VALIDATOR });

await build({
  ...shared,
  plugins: [composeValidatorApart, commanderChildProcessOnUse, nodeModuleOnUse],
  entryPoints: ['dist/src/cli/main.js'],
  outfile: BUNDLE,
});

// V8's code cache of the bundle, which bin/berth hands to V8 with the source: the bundle's code is then not compiled
// again at every start. Made in a process of its own (scripts/cli-code-cache.cjs: it runs a few commands first, their
// output thrown away) by loading the bundle as bin/berth does. V8 checks the cache against the source and its own
// version and flags, and compiles as before when it does not match.
const bundlePath = new URL(BUNDLE, root).pathname;
// A script compiled by vm (as bin/berth does, to hand V8 the cache) has no loader for import(): the bundle must
// have none left (esbuild turns berth's own lazy imports into functions; Node's modules are required statically).
const source = readFileSync(bundlePath, 'utf8');
const dynamicImport = /\bimport\((?!\))/.exec(source);
if (dynamicImport)
  throw new Error(`${BUNDLE} has an import() call (index ${dynamicImport.index}): bin/berth cannot load it`);
// V8 keeps an ASCII source as a one-byte string; one other character anywhere doubles the string V8 builds of it at
// every start (esbuild escapes strings, not regular expressions: write such characters as \u escapes).
const nonAscii = /[^\x00-\x7f]/.exec(source);
if (nonAscii)
  throw new Error(
    `${BUNDLE} has a non-ASCII character at index ${nonAscii.index}: write it as an escape in the source`,
  );
const cache = spawnSync(process.execPath, [new URL('cli-code-cache.cjs', import.meta.url).pathname, bundlePath], {
  stdio: ['ignore', 'ignore', 'inherit'],
});
if (cache.status !== 0) throw new Error(`scripts/cli-code-cache.cjs failed (${cache.status ?? cache.signal})`);
