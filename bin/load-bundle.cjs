// The CLI bundle compiled and run as require would run it, optionally with V8's code cache. bin/berth loads the CLI
// with it, and scripts/build-cli.mjs makes the cache with it: V8 takes a cache only for the very source it was made
// from, so both must wrap the bundle the same way.
'use strict';
const Module = require('node:module');
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
