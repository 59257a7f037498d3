// Go's text/tabwriter as docker configures it (minwidth 10, tabwidth 1, padding 3, pad with spaces,
// no flags): tab-terminated cells align in columns; a column block is a run of consecutive lines that
// have that cell; the last cell of a line is not part of any column.

export interface TabwriterOptions {
  minWidth: number;
  padding: number;
}

export const DOCKER_TABWRITER: TabwriterOptions = { minWidth: 10, padding: 3 };

const width = (s: string): number => [...s].length;

export function tabwrite(text: string, options: TabwriterOptions = DOCKER_TABWRITER): string {
  const endsWithNewline = text.endsWith('\n');
  const lines = (endsWithNewline ? text.slice(0, -1) : text).split('\n').map((l) => l.split('\t'));
  const out: string[] = new Array<string>(lines.length).fill('');
  format(lines, 0, lines.length, 0, out, options);
  return out.join('\n') + (endsWithNewline ? '\n' : '');
}

/** Lays out column `column` for lines [from, to), then recurses into the columns to its right. */
function format(
  lines: string[][],
  from: number,
  to: number,
  column: number,
  out: string[],
  options: TabwriterOptions,
): void {
  let line = from;
  while (line < to) {
    const cells = lines[line] as string[];
    if (column >= cells.length - 1) {
      // No cell in this column: the line ends here.
      out[line] += cells.slice(column).join('');
      line++;
      continue;
    }
    // A column block: consecutive lines that have a cell in this column.
    const start = line;
    let w = options.minWidth;
    while (line < to && column < (lines[line] as string[]).length - 1) {
      w = Math.max(w, width((lines[line] as string[])[column] as string) + options.padding);
      line++;
    }
    for (let i = start; i < line; i++) {
      const cell = (lines[i] as string[])[column] as string;
      out[i] += cell + ' '.repeat(w - width(cell));
    }
    format(lines, start, line, column + 1, out, options);
  }
}
