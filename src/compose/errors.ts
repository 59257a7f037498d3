// The one error the compose loader and planner throw: a message for the user, already naming the file, the line
// and the key where there is one. The CLI prints it as is.
export class ComposeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ComposeError';
  }
}
