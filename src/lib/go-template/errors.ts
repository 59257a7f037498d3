// Errors shaped as Go's text/template reports them: `template: NAME:LINE: message` and
// `template: NAME:LINE:COL: executing "NAME" at <NODE>: message`.

export class TemplateError extends Error {
  constructor(line: number, detail: string, name = '') {
    super(`template: ${name}:${line}: ${detail}`);
    this.name = 'TemplateError';
  }
}

export class ExecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExecError';
  }
}
