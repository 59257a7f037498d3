// Bundles the berth CLI (tsc's dist/src/cli/main.js and what it imports) into one CommonJS file,
// dist/src/cli/berth.cjs, which bin/berth loads. One file instead of ~30 ES modules cuts the CLI's start-up
// (module resolution and loading, see docs/architecture.md). Verbs stay lazy: esbuild turns each
// `import('./verb.js')` into a function that runs that verb's module on first use.
// The bundle sits beside main.js so paths relative to the module (../../../package.json) resolve the same.
import { readFileSync } from 'node:fs';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'));

// Bundled: berth's own code and commander (every command needs it). Every other package stays in node_modules
// and is required when the verb that needs it runs (native addons and pino's destinations cannot be bundled).
const external = Object.keys(pkg.dependencies).filter((name) => name !== 'commander');

await build({
  absWorkingDir: new URL('.', root).pathname,
  entryPoints: ['dist/src/cli/main.js'],
  outfile: 'dist/src/cli/berth.cjs',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external,
  minify: true,
  sourcemap: 'linked',
  // CommonJS has no import.meta: give the bundled modules the bundle's own URL.
  define: { 'import.meta.url': '__bundleUrl' },
  banner: { js: 'const __bundleUrl = require("node:url").pathToFileURL(__filename).href;' },
  logLevel: 'warning',
});
