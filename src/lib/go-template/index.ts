// A Go text/template engine: parse once, execute over JSON-shaped data. No domain knowledge:
// callers add their own functions (docker's json, join, ...) and null-printing rules.
import type { Node } from './ast.js';
import { BUILTINS, type TemplateFunc } from './builtins.js';
import { Executor, type ExecOptions } from './exec.js';
import { parse } from './parser.js';

export { TemplateError, ExecError } from './errors.js';
export {
  MISSING,
  GO_JSON,
  goJson,
  goJsonString,
  indentJson,
  printValue,
  isTrue,
  type GoJsonMarshaler,
  type NullPrinter,
} from './values.js';
export { sprintf, formatG } from './printf.js';
export type { TemplateFunc } from './builtins.js';

export interface TemplateOptions extends Partial<Omit<ExecOptions, 'templates'>> {
  funcs?: Record<string, TemplateFunc>;
}

export class GoTemplate {
  private readonly nodes: Node[];
  private readonly funcs: Record<string, TemplateFunc>;

  /** Parses `text`; throws TemplateError (Go's message shape) on a syntax error or unknown function. */
  constructor(
    readonly text: string,
    private readonly options: TemplateOptions = {},
  ) {
    this.funcs = options.funcs ?? {};
    const known = new Set([...Object.keys(BUILTINS), 'and', 'or', ...Object.keys(this.funcs)]);
    this.nodes = parse(text, known);
  }

  /** Runs the template over `data`; throws ExecError on a runtime error. */
  execute(data: unknown): string {
    return new Executor(this.text, data, { ...this.options, funcs: this.funcs }).run(this.nodes);
  }
}
