// Lists as docker's formatter writes them: a template per row; in table mode a header row (the same
// template run over the column titles) and Go tabwriter alignment.
import { GO_JSON, goJson } from '../../lib/go-template/index.js';
import { compile, execute, parseFormat } from './template.js';
import { tabwrite } from './tabwriter.js';

export interface ListSpec<Row extends object> {
  /** The user's --format, already defaulted (e.g. `table {{.ID}}\t...` or `{{.ID}}`). */
  format: string;
  rows: Row[];
  /** Column titles by field name (`ID` -> `IMAGE ID`). */
  headers: Record<string, string>;
  /** Go type named in "can't evaluate field" errors, e.g. `*formatter.imageContext`. */
  typeName: string;
}

/** Marks a row so that `{{json .}}` marshals it as docker's contexts do: keys sorted, HTML escaped. */
export function contextRow<Row extends Record<string, unknown>>(row: Row): Row {
  Object.defineProperty(row, GO_JSON, {
    enumerable: false,
    value: () => {
      const sorted = Object.fromEntries(
        Object.keys(row)
          .sort()
          .map((k) => [k, row[k]]),
      );
      return goJson(sorted, true);
    },
  });
  return row;
}

export function renderList<Row extends object>(spec: ListSpec<Row>): string {
  const { table, text } = parseFormat(spec.format);
  const template = compile(text, {
    missingRootField: (name) => `can't evaluate field ${name} in type ${spec.typeName}`,
  });
  let body = '';
  for (const row of spec.rows) body += `${execute(template, row)}\n`;
  if (!table) return body;
  const header = compile(text).execute(spec.headers);
  return tabwrite(`${header}\n${body}`);
}
