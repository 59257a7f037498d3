// Validation against the Compose Specification's JSON schema (schema/compose-spec.json, from compose-spec/compose-spec,
// see schema/README.md), after interpolation as Compose does it. The first error is reported with the file, the line
// and the key it concerns. The schema is compiled ahead of time (src/gen/compose-spec-validate.ts, Ajv standalone
// code): compiling it on every run cost each `berth compose` command ~0.5 s of CPU.
import type { ErrorObject } from 'ajv';
import { validate as validateComposeSpec } from '../gen/compose-spec-validate.js';
import { ComposeError } from './errors.js';
import type { SourceFile } from './source-file.js';

/** The generated code's shape (it is not type-checked): Ajv's validate function, its errors set after a failure. */
const validate = validateComposeSpec as { (data: unknown): boolean; errors?: ErrorObject[] | null };

/** Throws a ComposeError naming the file, line and key of the first schema violation of `data`. */
export function checkSchema(file: SourceFile, data: unknown): void {
  if (validate(data)) return;
  const error = mostSpecific(validate.errors ?? []);
  if (!error) throw new ComposeError(`${file.path}: does not match the Compose Specification`);
  const keys = error.instancePath
    .split('/')
    .slice(1)
    .map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'));
  const extra = error.keyword === 'additionalProperties' ? String(error.params.additionalProperty) : undefined;
  const at = file.where(extra === undefined ? keys : [...keys, extra]);
  const name = keys.join('.') || '(root)';
  throw new ComposeError(`${at}: ${describe(error, name, extra)}`);
}

/** The deepest error, preferring a concrete keyword over the oneOf/anyOf that wrap it. */
function mostSpecific(errors: ErrorObject[]): ErrorObject | undefined {
  const weight = (e: ErrorObject): number =>
    e.instancePath.split('/').length * 10 +
    (e.keyword === 'oneOf' || e.keyword === 'anyOf' ? 0 : 5) +
    (e.keyword === 'additionalProperties' ? 2 : 0);
  return [...errors].sort((a, b) => weight(b) - weight(a))[0];
}

function describe(error: ErrorObject, name: string, extra: string | undefined): string {
  switch (error.keyword) {
    case 'additionalProperties':
      return `${name}: additional property ${extra} is not allowed`;
    case 'type':
      return `${name} must be a ${String(error.params.type).replace(/,/g, ' or a ')}`;
    case 'required':
      return `${name}: ${String(error.params.missingProperty)} is required`;
    case 'enum':
      return `${name} must be one of ${(error.params.allowedValues as unknown[]).map(String).join(', ')}`;
    default:
      return `${name} ${error.message ?? 'is invalid'}`;
  }
}
