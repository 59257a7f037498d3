// `docker commit --change` / `docker import --change`: Dockerfile instructions applied to an image config, read by
// the builder's own parser and applied by its metadata steps, as dockerd runs them through its Dockerfile
// dispatcher (BuildFromConfig): the changes are parsed as one Dockerfile, every instruction must be one commit
// allows (dockerd v27's list: STOPSIGNAL joined it after 20.10, which refuses it), each is checked as a Dockerfile
// instruction, then applied in order, words expanded against the config's own Env. Errors in dockerd's words.
import { invalidArgument } from '../../core/errdefs.js';
import type { ImageConfigFile } from '../../spec/oci/image.js';
import { DockerfileParseError } from '../../builder/dockerfile/errors.js';
import { parseDockerfile } from '../../builder/dockerfile/parser.js';
import { toInstruction, type Instruction } from '../../builder/dockerfile/instructions.js';
import { posix } from 'node:path';
import { envMap, ShellLex } from '../../builder/dockerfile/shell-lex.js';
import { applyMetadata, type Expander } from '../../builder/metadata-steps.js';

type RunConfig = NonNullable<ImageConfigFile['config']>;

const COMMIT_INSTRUCTIONS = new Set([
  'cmd',
  'entrypoint',
  'env',
  'expose',
  'healthcheck',
  'label',
  'onbuild',
  'stopsignal',
  'user',
  'volume',
  'workdir',
]);

const notValid = (name: string): Error => invalidArgument(`${name.toLowerCase()} is not a valid change command`);

/** A Dockerfile error as dockerd's commit answers it: its detail alone, no line. */
function inDockerWords<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (!(err instanceof DockerfileParseError)) throw err;
    const unknown = /^unknown instruction: (.*)$/.exec(err.detail);
    throw unknown ? notValid(unknown[1] ?? '') : invalidArgument(err.detail);
  }
}

export function applyChanges(config: RunConfig, changes: string[]): RunConfig {
  if (changes.length === 0) return config;
  const parsed = inDockerWords(() => parseDockerfile(changes.join('\n')));
  if (parsed.nodes.length === 0) throw invalidArgument('file with no instructions');
  for (const node of parsed.nodes) if (!COMMIT_INSTRUCTIONS.has(node.instruction)) throw notValid(node.instruction);
  const escape = parsed.directives.escape;
  const instructions = parsed.nodes.map((node) => inDockerWords(() => toInstruction(node, escape)));
  const image: ImageConfigFile = { config: { ...config } } as ImageConfigFile;
  const flags = { cmdSet: false };
  for (const instr of instructions) {
    const env = envMap(image.config?.Env ?? []);
    const lex = new ShellLex(escape, instr.line);
    const expand: Expander = { word: (t) => lex.processWord(t, env), words: (t) => lex.processWords(t, env) };
    inDockerWords(() => apply(instr, image, expand, flags));
  }
  return image.config ?? {};
}

function apply(instr: Instruction, image: ImageConfigFile, expand: Expander, flags: { cmdSet: boolean }): void {
  if (instr.kind !== 'workdir') {
    applyMetadata(instr, image, expand, flags);
    return;
  }
  // A relative WORKDIR goes on from the current one; nothing is made in the image (dockerd's commit neither).
  const c = (image.config ??= {});
  const requested = expand.word(instr.value);
  c.WorkingDir = requested.startsWith('/') ? requested : posix.join('/', c.WorkingDir ?? '', requested);
}
