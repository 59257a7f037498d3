// docker's --format: the `table` and `json` keywords, docker's extra template functions, and how a
// template error is reported.
import {
  GoTemplate,
  goJson,
  type TemplateOptions,
  type TemplateFunc,
  type NullPrinter,
} from '../../lib/go-template/index.js';
import { CliExit } from '../context.js';

/** Functions docker adds to every template. */
export const DOCKER_FUNCS: Record<string, TemplateFunc> = {
  // docker's json does not HTML-escape, except where a value marshals itself (formatter contexts).
  json: (v) => goJson(v, false).trim(),
  split: (s, sep) => String(s).split(String(sep)),
  join: (list, sep) => {
    if (!Array.isArray(list)) throw new Error(`wrong type for value; expected []string; got ${typeof list}`);
    return list.join(String(sep));
  },
  title: (s) =>
    String(s).replace(/(^|[^\p{L}\p{N}_'])(\p{L})/gu, (_m, pre: string, c: string) => pre + c.toUpperCase()),
  lower: (s) => String(s).toLowerCase(),
  upper: (s) => String(s).toUpperCase(),
  pad: (s, prefix, suffix) => (s === '' ? '' : ' '.repeat(Number(prefix)) + String(s) + ' '.repeat(Number(suffix))),
  truncate: (s, length) => {
    const text = String(s);
    return Buffer.byteLength(text) < Number(length)
      ? text
      : Buffer.from(text).subarray(0, Number(length)).toString('utf8');
  },
};

/** Go prints nil slices as `[]` and nil maps as `map[]`; JSON null does not say which, the field name does. */
const MAP_FIELDS =
  /^(Labels|Volumes|ExposedPorts|Options|Data|Ports|Networks|DriverOpts|Annotations|Sysctls|StorageOpt|Tmpfs|Status|Metadata|Plugins)$/;
export const inspectNullText: NullPrinter = (field) =>
  field === undefined ? '<nil>' : MAP_FIELDS.test(field) ? 'map[]' : '[]';

export interface ParsedFormat {
  table: boolean;
  /** The template text after docker's preprocessing. */
  text: string;
}

/** docker's Format: `table ...` -> table, `json` -> {{json .}}, literal `\t` and `\n` become tab and newline. */
export function parseFormat(format: string): ParsedFormat {
  let text = format;
  const table = format.startsWith('table');
  if (table) text = text.slice('table'.length);
  else if (format.trim() === 'json') text = '{{json .}}';
  text = text
    .replace(/^ +| +$/g, '')
    .replaceAll('\\t', '\t')
    .replaceAll('\\n', '\n');
  return { table, text };
}

/** Compiles a template, turning errors into docker's `template parsing error: ...` with the given exit code. */
export function compile(text: string, options: TemplateOptions = {}, exitCode = 1, name = ''): GoTemplate {
  try {
    const template = new GoTemplate(text, { funcs: DOCKER_FUNCS, ...options });
    NAMES.set(template, name);
    return template;
  } catch (err) {
    throw templateError(err, exitCode, name);
  }
}

/** Template names as Go prints them in errors (`template: version:1: ...`); docker names some. */
const NAMES = new WeakMap<GoTemplate, string>();

export function templateError(err: unknown, exitCode = 1, name = ''): CliExit {
  let message = err instanceof Error ? err.message : String(err);
  if (name)
    message = message
      .replace(/^template: :/, `template: ${name}:`)
      .replace(/executing "" at/, `executing "${name}" at`);
  return new CliExit(exitCode, `template parsing error: ${message}`);
}

export function execute(template: GoTemplate, data: unknown): string {
  try {
    return template.execute(data);
  } catch (err) {
    throw templateError(err, 1, NAMES.get(template));
  }
}

/** version and info report execution errors bare, after an empty output line, as docker does. */
export function executeBare(template: GoTemplate, data: unknown): string {
  try {
    return execute(template, data);
  } catch (err) {
    if (err instanceof CliExit) throw new CliExit(err.code, err.message.replace(/^template parsing error: /, ''), '\n');
    throw err;
  }
}
