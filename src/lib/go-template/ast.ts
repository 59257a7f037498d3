// The parse tree of a Go text/template, as the parser builds it and the executor walks it.

/** Byte offset into the template text; used for Go-style error positions. */
export type Pos = number;

export type Arg =
  | { kind: 'field'; pos: Pos; names: string[] }
  | { kind: 'variable'; pos: Pos; name: string; names: string[] }
  | { kind: 'dot'; pos: Pos }
  | { kind: 'nil'; pos: Pos }
  | { kind: 'bool'; pos: Pos; value: boolean }
  | { kind: 'number'; pos: Pos; value: number; isFloat: boolean; text: string }
  | { kind: 'string'; pos: Pos; value: string; text: string }
  | { kind: 'identifier'; pos: Pos; name: string }
  | { kind: 'pipe'; pos: Pos; pipe: Pipe; names: string[] };

export interface Command {
  pos: Pos;
  args: Arg[];
}

export interface Pipe {
  pos: Pos;
  /** Variables declared (`:=`) or assigned (`=`) by this pipeline. */
  decl: string[];
  isAssign: boolean;
  cmds: Command[];
}

export type Node =
  | { kind: 'text'; text: string }
  | { kind: 'action'; pos: Pos; pipe: Pipe }
  | { kind: 'if' | 'with' | 'range'; pos: Pos; pipe: Pipe; list: Node[]; elseList: Node[] | undefined }
  | { kind: 'template'; pos: Pos; name: string; pipe: Pipe | undefined }
  | { kind: 'break' | 'continue'; pos: Pos };

/** Renders an argument back to template text, for error messages (`at <.Foo>`). */
export function argString(arg: Arg): string {
  switch (arg.kind) {
    case 'field':
      return `.${arg.names.join('.')}`;
    case 'variable':
      return [arg.name, ...arg.names].join('.');
    case 'dot':
      return '.';
    case 'nil':
      return 'nil';
    case 'bool':
      return String(arg.value);
    case 'number':
    case 'string':
      return arg.text;
    case 'identifier':
      return arg.name;
    case 'pipe':
      return `(${pipeString(arg.pipe)})${arg.names.map((n) => `.${n}`).join('')}`;
  }
}

export function commandString(cmd: Command): string {
  return cmd.args.map(argString).join(' ');
}

export function pipeString(pipe: Pipe): string {
  const decl = pipe.decl.length ? `${pipe.decl.join(', ')} ${pipe.isAssign ? '=' : ':='} ` : '';
  return decl + pipe.cmds.map(commandString).join(' | ');
}
