// Walks a parsed template over JSON-shaped data, as Go's text/template executes it.
import { argString, commandString, type Arg, type Command, type Node, type Pipe } from './ast.js';
import { BUILTINS, type TemplateFunc } from './builtins.js';
import { ExecError } from './errors.js';
import { lineOf } from './lexer.js';
import { MISSING, isObject, isTrue, printValue, type NullPrinter } from './values.js';

export interface ExecOptions {
  funcs: Record<string, TemplateFunc>;
  /** How a null prints (Go prints nil slices `[]`, nil maps `map[]`, nil pointers `<nil>`). */
  nullText?: NullPrinter;
  /** When set, a field missing from the top-level data is an error with this message. */
  missingRootField?: (name: string) => string;
  /** Named templates for {{template "name" .}}. */
  templates?: Record<string, Node[]>;
}

class Break {}
class Continue {}

interface Variable {
  name: string;
  value: unknown;
}

export class Executor {
  private readonly out: string[] = [];
  private readonly vars: Variable[];

  constructor(
    private readonly source: string,
    private readonly root: unknown,
    private readonly options: ExecOptions,
  ) {
    this.vars = [{ name: '$', value: root }];
  }

  run(nodes: Node[]): string {
    this.walkList(nodes, this.root);
    return this.out.join('');
  }

  private fail(pos: number, at: string, message: string): never {
    const before = this.source.slice(0, pos);
    const col = pos - (before.lastIndexOf('\n') + 1);
    throw new ExecError(`template: :${lineOf(this.source, pos)}:${col}: executing "" at <${at}>: ${message}`);
  }

  private walkList(nodes: Node[], dot: unknown): void {
    for (const node of nodes) this.walk(node, dot);
  }

  private walk(node: Node, dot: unknown): void {
    switch (node.kind) {
      case 'text':
        this.out.push(node.text);
        return;
      case 'action': {
        const value = this.evalPipe(node.pipe, dot);
        if (node.pipe.decl.length === 0)
          this.out.push(printValue(value, this.options.nullText, lastFieldName(node.pipe)));
        return;
      }
      case 'if':
      case 'with': {
        const mark = this.vars.length;
        const value = this.evalPipe(node.pipe, dot);
        if (isTrue(value)) this.walkList(node.list, node.kind === 'with' ? value : dot);
        else if (node.elseList) this.walkList(node.elseList, dot);
        this.vars.length = mark;
        return;
      }
      case 'range':
        this.walkRange(node.pipe, node.list, node.elseList, dot);
        return;
      case 'template': {
        const tmpl = this.options.templates?.[node.name];
        if (!tmpl) this.fail(node.pos, `template "${node.name}"`, `no such template "${node.name}"`);
        const value = node.pipe ? this.evalPipe(node.pipe, dot) : null;
        const saved = this.vars.splice(0);
        this.vars.push({ name: '$', value });
        try {
          this.walkList(tmpl, value);
        } finally {
          this.vars.splice(0, this.vars.length, ...saved);
        }
        return;
      }
      case 'break':
        throw new Break();
      case 'continue':
        throw new Continue();
    }
  }

  private walkRange(pipe: Pipe, list: Node[], elseList: Node[] | undefined, dot: unknown): void {
    const mark = this.vars.length;
    const decl = pipe.decl;
    const value = this.evalPipe({ ...pipe, decl: [] }, dot);
    let entries: [unknown, unknown][];
    if (Array.isArray(value)) entries = value.map((v, i) => [i, v]);
    else if (isObject(value))
      entries = Object.keys(value)
        .sort()
        .map((k) => [k, value[k]]);
    else if (typeof value === 'number' && Number.isInteger(value))
      entries = Array.from({ length: Math.max(0, value) }, (_, i) => [i, i]);
    else if (value === null || value === MISSING) entries = [];
    else this.fail(pipe.pos, pipeText(pipe), `range can't iterate over ${printValue(value)}`);
    for (const [key, elem] of entries) {
      const inner = this.vars.length;
      if (decl.length === 1) this.setVar(decl[0] as string, elem, pipe.isAssign);
      if (decl.length === 2) {
        this.setVar(decl[0] as string, key, pipe.isAssign);
        this.setVar(decl[1] as string, elem, pipe.isAssign);
      }
      try {
        this.walkList(list, elem);
      } catch (signal) {
        if (signal instanceof Break) {
          this.vars.length = inner;
          break;
        }
        if (!(signal instanceof Continue)) throw signal;
      }
      this.vars.length = inner;
    }
    if (entries.length === 0 && elseList) this.walkList(elseList, dot);
    this.vars.length = mark;
  }

  private setVar(name: string, value: unknown, assign: boolean): void {
    if (assign) {
      for (let i = this.vars.length - 1; i >= 0; i--) {
        const v = this.vars[i] as Variable;
        if (v.name === name) {
          v.value = value;
          return;
        }
      }
    }
    this.vars.push({ name, value });
  }

  private evalPipe(pipe: Pipe, dot: unknown): unknown {
    let value: unknown = undefined;
    let hasFinal = false;
    for (const cmd of pipe.cmds) {
      value = this.evalCommand(cmd, dot, hasFinal ? [value] : []);
      hasFinal = true;
    }
    for (const name of pipe.decl) this.setVar(name, value, pipe.isAssign);
    return value;
  }

  private evalCommand(cmd: Command, dot: unknown, final: unknown[]): unknown {
    const [first, ...rest] = cmd.args as [Arg, ...Arg[]];
    if (first.kind === 'identifier') return this.callFunc(first.name, first.pos, rest, dot, final, cmd);
    const value = this.evalArg(first, dot, rest, final);
    if (
      typeof value !== 'function' &&
      (rest.length > 0 || final.length > 0) &&
      first.kind !== 'field' &&
      first.kind !== 'variable' &&
      first.kind !== 'pipe'
    ) {
      this.fail(first.pos, argString(first), `can't give argument to non-function ${argString(first)}`);
    }
    return value;
  }

  private callFunc(name: string, pos: number, argNodes: Arg[], dot: unknown, final: unknown[], cmd: Command): unknown {
    if (name === 'and' || name === 'or') {
      const thunks: (() => unknown)[] = [
        ...argNodes.map((a) => () => this.evalArg(a, dot, [], [])),
        ...final.map((f) => () => f),
      ];
      if (thunks.length === 0) this.fail(pos, name, `wrong number of args for ${name}: want at least 1 got 0`);
      let v: unknown;
      for (const thunk of thunks) {
        v = thunk();
        if (name === 'and' ? !isTrue(v) : isTrue(v)) return v;
      }
      return v;
    }
    const fn = this.options.funcs[name] ?? BUILTINS[name];
    if (!fn) this.fail(pos, name, `"${name}" is not a defined function`);
    const args = [...argNodes.map((a) => this.evalArg(a, dot, [], [])), ...final];
    try {
      return fn(...args);
    } catch (err) {
      if (err instanceof ExecError) throw err;
      return this.fail(
        pos,
        commandString(cmd),
        `error calling ${name}: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  }

  private evalArg(arg: Arg, dot: unknown, args: Arg[], final: unknown[]): unknown {
    switch (arg.kind) {
      case 'dot':
        return dot;
      case 'nil':
        return null;
      case 'bool':
      case 'number':
      case 'string':
        return arg.value;
      case 'identifier':
        return this.callFunc(arg.name, arg.pos, [], dot, [], { pos: arg.pos, args: [arg] });
      case 'field':
        return this.evalFields(arg, dot, arg.names, args, final, dot === this.root);
      case 'variable': {
        const v = [...this.vars].reverse().find((x) => x.name === arg.name);
        if (!v) this.fail(arg.pos, arg.name, `undefined variable: ${arg.name}`);
        return arg.names.length ? this.evalFields(arg, v.value, arg.names, args, final, arg.name === '$') : v.value;
      }
      case 'pipe': {
        const value = this.evalPipe(arg.pipe, dot);
        return arg.names.length ? this.evalFields(arg, value, arg.names, args, final, false) : value;
      }
    }
  }

  private evalFields(
    node: Arg,
    receiver: unknown,
    names: string[],
    args: Arg[],
    final: unknown[],
    atRoot: boolean,
  ): unknown {
    let value = receiver;
    names.forEach((name, i) => {
      const last = i === names.length - 1;
      if (value === MISSING || value === null || value === undefined) {
        value = MISSING;
        return;
      }
      if (!isObject(value))
        this.fail(
          node.pos,
          argString(node),
          `can't evaluate field ${name} in type ${typeof value === 'string' ? 'string' : Array.isArray(value) ? '[]interface {}' : typeof value}`,
        );
      if (!Object.hasOwn(value, name) && !(name in value && typeof value[name] === 'function')) {
        if (atRoot && i === 0 && this.options.missingRootField)
          this.fail(node.pos, argString(node), this.options.missingRootField(name));
        value = MISSING;
        return;
      }
      const field = value[name];
      if (typeof field === 'function') {
        const callArgs = last ? [...args.map((a) => this.evalArg(a, receiver, [], [])), ...final] : [];
        value = (field as TemplateFunc).call(value, ...callArgs);
        return;
      }
      if (last && (args.length > 0 || final.length > 0))
        this.fail(node.pos, argString(node), `${name} is not a method but has arguments`);
      value = field;
    });
    return value;
  }
}

function lastFieldName(pipe: Pipe): string | undefined {
  const cmd = pipe.cmds[pipe.cmds.length - 1];
  const arg = cmd?.args.length === 1 ? cmd.args[0] : undefined;
  return arg && (arg.kind === 'field' || arg.kind === 'variable' || arg.kind === 'pipe')
    ? arg.names[arg.names.length - 1]
    : undefined;
}

function pipeText(pipe: Pipe): string {
  return pipe.cmds.map(commandString).join(' | ');
}
