// Builds the parse tree of a Go text/template from lexer tokens (if/else if/with/range/break/continue,
// pipelines, variable declarations, parenthesised pipelines with chained fields).
import type { Arg, Command, Node, Pipe } from './ast.js';
import { TemplateError } from './errors.js';
import { lex, lineOf, type Token } from './lexer.js';

const KEYWORDS = new Set(['if', 'else', 'end', 'range', 'with', 'template', 'define', 'block', 'break', 'continue']);

export function parse(input: string, funcs: ReadonlySet<string>): Node[] {
  return new Parser(input, lex(input), funcs).parseRoot();
}

class Parser {
  private i = 0;
  private rangeDepth = 0;
  private readonly vars: string[] = ['$'];

  constructor(
    private readonly input: string,
    private readonly tokens: Token[],
    private readonly funcs: ReadonlySet<string>,
  ) {}

  parseRoot(): Node[] {
    const { list, end } = this.parseList();
    if (end !== 'eof') this.fail(`unexpected {{${end}}}`);
    return list;
  }

  private fail(message: string, pos = this.peek().pos): never {
    throw new TemplateError(lineOf(this.input, pos), message);
  }

  private peek(): Token {
    return (this.tokens[this.i] ?? this.tokens[this.tokens.length - 1]) as Token;
  }

  private next(): Token {
    const t = this.peek();
    if (this.i < this.tokens.length) this.i++;
    return t;
  }

  /** The next token that is not a space. */
  private nextNonSpace(): Token {
    let t = this.next();
    while (t.kind === 'space') t = this.next();
    return t;
  }

  private peekNonSpace(): Token {
    const save = this.i;
    const t = this.nextNonSpace();
    this.i = save;
    return t;
  }

  /** Parses nodes until eof, `{{end}}` or `{{else}}` (consumed, without its closing delimiter for else). */
  private parseList(): { list: Node[]; end: 'eof' | 'end' | 'else' } {
    const list: Node[] = [];
    for (;;) {
      const t = this.next();
      if (t.kind === 'eof') return { list, end: 'eof' };
      if (t.kind === 'text') {
        list.push({ kind: 'text', text: t.text });
        continue;
      }
      // t is a left delimiter
      const word = this.peekNonSpace();
      if (word.kind === 'identifier' && KEYWORDS.has(word.text)) {
        this.nextNonSpace();
        if (word.text === 'end') {
          this.expectRight('end');
          return { list, end: 'end' };
        }
        if (word.text === 'else') return { list, end: 'else' };
        list.push(this.parseKeyword(word));
        continue;
      }
      const pipe = this.parsePipe('command', 'right');
      list.push({ kind: 'action', pos: t.pos, pipe });
    }
  }

  private expectRight(context: string): void {
    const t = this.nextNonSpace();
    if (t.kind !== 'right') this.fail(`unexpected "${t.text}" in ${context}`, t.pos);
  }

  private parseKeyword(word: Token): Node {
    switch (word.text) {
      case 'if':
      case 'with':
      case 'range':
        return this.parseControl(word.text, word.pos);
      case 'break':
      case 'continue':
        if (this.rangeDepth === 0) this.fail(`{{${word.text}}} outside {{range}}`, word.pos);
        this.expectRight(word.text);
        return { kind: word.text, pos: word.pos };
      case 'template': {
        const name = this.nextNonSpace();
        if (name.kind !== 'string' && name.kind !== 'rawString')
          this.fail(`unexpected "${name.text}" in template clause`, name.pos);
        const pipe =
          this.peekNonSpace().kind === 'right'
            ? (this.nextNonSpace(), undefined)
            : this.parsePipe('template clause', 'right');
        return { kind: 'template', pos: word.pos, name: unquote(name.text), pipe };
      }
      default:
        return this.fail(`{{${word.text}}} is not supported`, word.pos);
    }
  }

  private parseControl(kind: 'if' | 'with' | 'range', pos: number): Node {
    const mark = this.vars.length;
    const pipe = this.parsePipe(kind, 'right', kind === 'range');
    if (kind === 'range') this.rangeDepth++;
    const body = this.parseList();
    if (kind === 'range') this.rangeDepth--;
    let elseList: Node[] | undefined;
    if (body.end === 'eof') this.fail(`unexpected EOF`);
    if (body.end === 'else') {
      // `{{else if ...}}` and `{{else with ...}}` nest a new control inside the else branch.
      const after = this.peekNonSpace();
      if (
        (kind === 'if' && after.kind === 'identifier' && after.text === 'if') ||
        (kind === 'with' && after.kind === 'identifier' && after.text === 'with')
      ) {
        this.nextNonSpace();
        elseList = [this.parseControl(kind, after.pos)];
      } else {
        this.expectRight('else');
        const rest = this.parseList();
        if (rest.end !== 'end') this.fail(rest.end === 'eof' ? 'unexpected EOF' : 'expected end; found {{else}}');
        elseList = rest.list;
      }
    }
    this.vars.length = mark;
    return { kind, pos, pipe, list: body.list, elseList };
  }

  private parsePipe(context: string, end: 'right' | 'rparen', allowTwoVars = false): Pipe {
    const start = this.peekNonSpace();
    const pipe: Pipe = { pos: start.pos, decl: [], isAssign: false, cmds: [] };
    // Declarations: `$x :=`, `$x =`, `$i, $e :=` (range only).
    const save = this.i;
    const v = this.nextNonSpace();
    if (v.kind === 'variable') {
      const op = this.nextNonSpace();
      if (op.kind === 'declare' || op.kind === 'assign') {
        pipe.decl.push(v.text);
        pipe.isAssign = op.kind === 'assign';
      } else if (op.kind === 'comma' && allowTwoVars) {
        const v2 = this.nextNonSpace();
        const op2 = this.nextNonSpace();
        if (v2.kind !== 'variable' || (op2.kind !== 'declare' && op2.kind !== 'assign'))
          this.fail(`range can only initialize variables`, v2.pos);
        pipe.decl.push(v.text, v2.text);
        pipe.isAssign = op2.kind === 'assign';
      } else this.i = save;
    } else this.i = save;
    for (const name of pipe.decl) {
      if (pipe.isAssign && !this.vars.includes(name)) this.fail(`undefined variable "${name}"`, v.pos);
      if (!pipe.isAssign) this.vars.push(name);
    }
    for (;;) {
      const t = this.peekNonSpace();
      if (t.kind === end) {
        this.nextNonSpace();
        if (pipe.cmds.length === 0) this.fail(`missing value for ${context}`, t.pos);
        return pipe;
      }
      if (t.kind === 'eof' || t.kind === 'right' || t.kind === 'rparen')
        this.fail(t.kind === 'eof' ? 'unclosed action' : `unexpected "${t.text}" in ${context}`, t.pos);
      pipe.cmds.push(this.parseCommand(context));
      const sep = this.peekNonSpace();
      if (sep.kind === 'pipe') this.nextNonSpace();
    }
  }

  private parseCommand(context: string): Command {
    const cmd: Command = { pos: this.peekNonSpace().pos, args: [] };
    for (;;) {
      const t = this.peekNonSpace();
      if (t.kind === 'pipe' || t.kind === 'right' || t.kind === 'rparen' || t.kind === 'eof') break;
      cmd.args.push(this.parseOperand(context));
    }
    if (cmd.args.length === 0) this.fail('empty command');
    return cmd;
  }

  private parseOperand(context: string): Arg {
    const t = this.nextNonSpace();
    let arg: Arg;
    switch (t.kind) {
      case 'field':
        arg = { kind: 'field', pos: t.pos, names: [t.text.slice(1)] };
        break;
      case 'variable':
        if (!this.vars.includes(t.text)) this.fail(`undefined variable "${t.text}"`, t.pos);
        arg = { kind: 'variable', pos: t.pos, name: t.text, names: [] };
        break;
      case 'dot':
        arg = { kind: 'dot', pos: t.pos };
        break;
      case 'nil':
        arg = { kind: 'nil', pos: t.pos };
        break;
      case 'bool':
        arg = { kind: 'bool', pos: t.pos, value: t.text === 'true' };
        break;
      case 'number':
        arg = parseNumber(t, this);
        break;
      case 'char':
        arg = { kind: 'number', pos: t.pos, value: unquote(t.text).codePointAt(0) ?? 0, isFloat: false, text: t.text };
        break;
      case 'string':
      case 'rawString':
        arg = { kind: 'string', pos: t.pos, value: unquote(t.text), text: t.text };
        break;
      case 'identifier':
        if (!this.funcs.has(t.text)) this.fail(`function "${t.text}" not defined`, t.pos);
        if (this.peek().kind === 'dot') this.fail('unexpected <.> in operand', t.pos);
        arg = { kind: 'identifier', pos: t.pos, name: t.text };
        break;
      case 'lparen': {
        const pipe = this.parsePipe('parenthesized pipeline', 'rparen');
        arg = { kind: 'pipe', pos: t.pos, pipe, names: [] };
        break;
      }
      default:
        return this.fail(`unexpected "${t.text}" in ${context}`, t.pos);
    }
    // Fields chained directly onto the operand: `.A.B`, `$x.A`, `(pipe).A`.
    while (this.peek().kind === 'field') {
      const f = this.next();
      const name = f.text.slice(1);
      if (arg.kind === 'field' || arg.kind === 'variable' || arg.kind === 'pipe') arg.names.push(name);
      else if (arg.kind === 'dot') arg = { kind: 'field', pos: arg.pos, names: [name] };
      else this.fail(`unexpected ${f.text} after term "${t.text}"`, f.pos);
    }
    return arg;
  }

  error(message: string, pos: number): never {
    return this.fail(message, pos);
  }
}

function parseNumber(t: Token, parser: Parser): Arg {
  const text = t.text.replace(/_/g, '');
  let value: number;
  if (/^[+-]?0[xX]/.test(text) || /^[+-]?0[bB]/.test(text) || /^[+-]?0[oO]/.test(text)) {
    const sign = text.startsWith('-') ? -1 : 1;
    value = sign * Number(text.replace(/^[+-]/, ''));
  } else if (/^[+-]?0[0-7]+$/.test(text)) {
    value = parseInt(text, 8);
  } else value = Number(text);
  if (text === '' || Number.isNaN(value) || text.endsWith('i'))
    return parser.error(`bad number syntax: "${t.text}"`, t.pos);
  const isFloat = /[.eE]/.test(text) && !/^[+-]?0[xX]/.test(text);
  return { kind: 'number', pos: t.pos, value, isFloat, text: t.text };
}

/** Go's strconv.Unquote for the three quote styles. */
export function unquote(text: string): string {
  const q = text[0];
  const body = text.slice(1, -1);
  if (q === '`') return body;
  return body.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{3}|.)/g, (_m, e: string) => {
    switch (e[0]) {
      case 'n':
        return '\n';
      case 't':
        return '\t';
      case 'r':
        return '\r';
      case 'a':
        return '\x07';
      case 'b':
        return '\b';
      case 'f':
        return '\f';
      case 'v':
        return '\v';
      case 'x':
      case 'u':
      case 'U':
        return String.fromCodePoint(parseInt(e.slice(1), 16));
      default:
        if (/^[0-7]{3}$/.test(e)) return String.fromCodePoint(parseInt(e, 8));
        return e;
    }
  });
}
