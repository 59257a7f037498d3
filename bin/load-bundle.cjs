// The CLI bundle compiled and run as require would run it, optionally with V8's code cache. bin/berth loads the CLI
// with it, and scripts/build-cli.mjs makes the cache with it: V8 takes a cache only for the very source it was made
// from, so both must wrap the bundle the same way.
'use strict';
// Node's CommonJS Module class, as this module's own `module` has it: require('node:module') would load that builtin's
// own module, which loads the ES module loader and the source-map support (~0.4 ms of CPU), none of which runs here.
const Module = module.constructor;
const { dirname } = require('node:path');
const { Script } = require('node:vm');

/** Compiles `source`, the bundle at `file`, and runs its top level; its exports and the compiled script. */
function loadBundle(file, source, cachedData) {
  const script = new Script(Module.wrap(source), { filename: file, cachedData });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, Module.createRequire(file), module, file, dirname(file));
  return { exports: module.exports, script };
}

module.exports = { loadBundle };
