// A refusal of an archive's content (bad names, conflicts, a file too large); each caller maps it to its own
// error kind and wording ("invalid layer: ...", "invalid build context: ...").
export class ExtractError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ExtractError';
  }
}
