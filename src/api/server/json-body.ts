// JSON request bodies checked for the types Docker's decoder demands, before a route hands them on: a field of the
// wrong type is Docker's 400 ("json: cannot unmarshal string into Go struct field ExecConfig.Tty of type bool"),
// never a crash further in. As Go's decoder: null leaves a field unset, unknown fields are ignored, and a key names
// its field whatever its case (go-field-names.ts).
import { z } from 'zod';
import { invalidArgument } from '../../core/errdefs.js';
import { withGoFieldNames } from './go-field-names.js';

export const goString = z.string().nullish();
export const goBool = z.boolean().nullish();
export const goInt = z.number().int().nullish();
export const goStrings = z.array(z.string()).nullish();
export const goStringMap = z.record(z.string(), z.string()).nullish();
/** A struct: known fields typed, others ignored. */
export const goStruct = <T extends z.ZodRawShape>(shape: T) => z.looseObject(shape).nullish();

const jsonType = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v === 'object' ? 'object' : typeof v;

function valueAt(body: unknown, path: readonly PropertyKey[]): unknown {
  let v = body;
  for (const key of path)
    v = v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[key] : undefined;
  return v;
}

/** Go's decoder leaves a field that is null unset: so do we, so no route meets a null it did not expect. */
function dropNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropNulls);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== null)
      .map(([k, v]) => [k, dropNulls(v)]),
  );
}

/** The body decoded as `schema` says (null fields dropped), or InvalidArgument worded as Go's decoder words it. */
export function decodeBody<T extends z.ZodType>(schema: T, body: unknown, structName: string): z.output<T> {
  const named = withGoFieldNames(schema, body ?? {});
  const parsed = schema.safeParse(named);
  if (parsed.success) return dropNulls(parsed.data) as z.output<T>;
  const issue = parsed.error.issues[0];
  const path = issue?.path ?? [];
  const got = jsonType(valueAt(named, path));
  const expected = issue && 'expected' in issue ? String(issue.expected) : 'value';
  const field = path.filter((p) => typeof p === 'string').join('.');
  if (path.length === 0) throw invalidArgument(`json: cannot unmarshal ${got} into Go value of type ${structName}`);
  throw invalidArgument(
    `json: cannot unmarshal ${got} into Go struct field ${structName}.${field} of type ${expected}`,
  );
}
