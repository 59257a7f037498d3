// What a build runs (context, Dockerfile parser, steps, inline cache), in one module that builder.ts imports on the
// first build: a daemon that builds nothing does not carry it (about 2 MB of heap).
export { openContext, receiveContext } from './build-context.js';
export { DockerfileParseError } from './dockerfile/errors.js';
export { parseStages } from './dockerfile/instructions.js';
export { BuildRun } from './build-run.js';
export { withInlineCache } from './inline-cache.js';
