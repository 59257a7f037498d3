// docker's inspect output: the raw JSON objects as one array indented by 4 spaces, or a template per
// object (-f/--format). Errors for missing objects are collected and reported after the output.
import { indentJson } from '../../lib/go-template/index.js';
import { CliExit } from '../context.js';
import { compile, execute, inspectNullText, parseFormat } from './template.js';

/** One inspected object: the daemon's raw JSON text. */
export type RawObject = string;

export function renderInspect(objects: RawObject[], format: string | undefined): string {
  if (!format) {
    if (objects.length === 0) return '[]\n';
    return `${indentJson(`[${objects.join(',')}]`)}\n`;
  }
  const { text } = parseFormat(format);
  const template = compile(
    text,
    { nullText: inspectNullText, missingRootField: (name) => `map has no entry for key "${name}"` },
    64,
  );
  let out = '';
  for (const raw of objects) {
    try {
      out += `${execute(template, JSON.parse(raw))}\n`;
    } catch (err) {
      // docker has already ended the (empty) output line when it reports a template error.
      if (err instanceof CliExit) throw new CliExit(err.code, err.message, `${out}\n`);
      throw err;
    }
  }
  return out;
}

/** Fetches each name with `fetch`; prints what was found, then the errors, and fails if any. */
export async function inspectEach(
  names: string[],
  fetch: (name: string) => Promise<RawObject>,
  format: string | undefined,
  out: (text: string) => void,
  describeError: (name: string, err: unknown) => string,
): Promise<void> {
  const objects: RawObject[] = [];
  const errors: string[] = [];
  for (const name of names) {
    try {
      objects.push(await fetch(name));
    } catch (err) {
      errors.push(describeError(name, err));
    }
  }
  // A template is compiled before anything is printed, so a bad one prints nothing.
  out(renderInspect(objects, format));
  if (errors.length) throw new CliExit(1, errors.join('\n'));
}
