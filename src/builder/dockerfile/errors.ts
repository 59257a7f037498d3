// A Dockerfile error that names its line, worded as Docker words it.
export class DockerfileParseError extends Error {
  constructor(
    readonly line: number,
    readonly detail: string,
  ) {
    super(`dockerfile parse error on line ${line}: ${detail}`);
    this.name = 'DockerfileParseError';
  }
}
