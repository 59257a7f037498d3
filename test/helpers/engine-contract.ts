// The Engine API contract as validators: Docker's v1.47 swagger (test/fixtures/docker-engine-api) converted
// by libraries, not by hand: swagger2openapi (Swagger 2.0 -> OpenAPI 3, x-nullable -> nullable), then
// openapi-schema-to-json-schema (OpenAPI schema objects -> JSON Schema, nullable -> type [.., "null"]), compiled
// by ajv. validateResponse(method, path, status, body) checks one answer against the schema the swagger
// gives for that route and status.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import converter from 'swagger2openapi';
import { openapiSchemaToJsonSchema } from '@openapi-contrib/openapi-schema-to-json-schema';
import { Ajv, type ValidateFunction } from 'ajv';

const here = dirname(fileURLToPath(import.meta.url));
export const SWAGGER_PATH = join(here, '..', 'fixtures', 'docker-engine-api', 'v1.47.yaml');

type Json = Record<string, unknown>;
interface OpenApiResponse {
  content?: Record<string, { schema?: Json }>;
}
interface OpenApiOperation {
  responses?: Record<string, OpenApiResponse>;
  parameters?: { name: string; in: string }[];
  requestBody?: { content?: Record<string, { schema?: Json }> };
}
interface OpenApiDoc {
  components: { schemas: Record<string, Json> };
  paths: Record<string, Record<string, OpenApiOperation>>;
}

/**
 * Go encodes nil slices, maps and pointers as null, and Docker's own daemon answers null in many places the
 * swagger leaves non-nullable (an image's Labels, a volume's Options, an endpoint's Aliases); clients accept it.
 * So null is allowed where the swagger says array or object, and for the few scalars Docker declares as pointers.
 * Everything else must match the swagger as the converters give it.
 */
const GO_POINTER_SCALARS = new Set(['ExitCode', 'MemorySwappiness', 'PidsLimit']);

function allowGoNulls(node: unknown, key?: string): void {
  if (Array.isArray(node)) return node.forEach((n) => allowGoNulls(n));
  if (typeof node !== 'object' || node === null) return;
  const schema = node as Json;
  if (
    schema.type === 'array' ||
    schema.type === 'object' ||
    (key !== undefined && GO_POINTER_SCALARS.has(key) && typeof schema.type === 'string')
  )
    schema.type = [schema.type, 'null'];
  for (const [k, v] of Object.entries(schema)) {
    if (k === 'properties' && typeof v === 'object' && v !== null)
      for (const [name, prop] of Object.entries(v)) allowGoNulls(prop, name);
    else allowGoNulls(v);
  }
}

const toJsonSchema = (schema: Json): Json => {
  const converted = openapiSchemaToJsonSchema(schema, { cloneSchema: true }) as Json;
  delete converted.$schema;
  allowGoNulls(converted);
  return converted;
};

/**
 * Docker's daemon maps its error kinds (errdefs) to statuses on every route, whatever the swagger lists for it: a
 * bad parameter is 400 anywhere (an API version out of range too), a conflict 409, and so on. Such an answer is
 * checked as the swagger's ErrorResponse.
 */
const DOCKER_ERROR_STATUSES = new Set([400, 401, 403, 404, 409, 412, 500, 501, 503]);

export interface ResponseCheck {
  /** false when the body does not match; errors as ajv words them. */
  ok: boolean;
  errors: string;
  /** The swagger has no schema for this status (no body expected). */
  noSchema: boolean;
}

export class EngineContract {
  private readonly ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  private readonly validators = new Map<string, ValidateFunction | null>();

  private constructor(private readonly doc: OpenApiDoc) {
    const schemas = Object.fromEntries(
      Object.entries(doc.components.schemas).map(([name, schema]) => [name, toJsonSchema(schema)]),
    );
    this.ajv.addSchema({ $id: 'engine', components: { schemas } });
  }

  static async load(path = SWAGGER_PATH): Promise<EngineContract> {
    const swagger: unknown = parse(readFileSync(path, 'utf8'));
    const { openapi } = await converter.convertObj(swagger as object, { patch: true, warnOnly: true });
    return new EngineContract(openapi as OpenApiDoc);
  }

  /** Swagger paths like "/containers/{id}/json" with their methods. */
  operations(): { method: string; path: string }[] {
    return Object.entries(this.doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops)
        .filter((m) => ['get', 'post', 'put', 'delete', 'head'].includes(m))
        .map((method) => ({ method: method.toUpperCase(), path })),
    );
  }

  /** Names of the query parameters the swagger gives an operation. */
  queryParams(method: string, path: string): string[] {
    return (this.doc.paths[path]?.[method.toLowerCase()]?.parameters ?? [])
      .filter((p) => p.in === 'query')
      .map((p) => p.name);
  }

  /** The JSON request body's schema of an operation (OpenAPI form, $refs unresolved), if it takes one. */
  bodySchema(method: string, path: string): Json | undefined {
    const content = this.doc.paths[path]?.[method.toLowerCase()]?.requestBody?.content;
    return content?.['application/json']?.schema;
  }

  /** Follows a "#/components/schemas/X" reference. */
  resolve(schema: Json): Json {
    const ref = schema.$ref;
    if (typeof ref !== 'string') return schema;
    return this.doc.components.schemas[ref.replace('#/components/schemas/', '')] ?? {};
  }

  /** The statuses the swagger lists for an operation. */
  statuses(method: string, path: string): string[] {
    return Object.keys(this.doc.paths[path]?.[method.toLowerCase()]?.responses ?? {});
  }

  private validator(method: string, path: string, status: number): ValidateFunction | null {
    const key = `${method} ${path} ${status}`;
    if (this.validators.has(key)) return this.validators.get(key) ?? null;
    const op = this.doc.paths[path]?.[method.toLowerCase()];
    if (!op) throw new Error(`the swagger has no ${method} ${path}`);
    const generic: OpenApiResponse | undefined = DOCKER_ERROR_STATUSES.has(status)
      ? { content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorResponse' } } } }
      : undefined;
    const response: OpenApiResponse | undefined = op.responses?.[String(status)] ?? generic;
    if (!response)
      throw new Error(
        `the swagger lists no status ${status} for ${method} ${path} (it lists ${Object.keys(op.responses ?? {}).join(', ')})`,
      );
    const schema = response.content?.['application/json']?.schema ?? response.content?.['text/plain']?.schema;
    const validate = schema ? this.ajv.compile({ allOf: [this.refOrSchema(schema)] }) : null;
    this.validators.set(key, validate);
    return validate;
  }

  /** Response schemas refer to #/components/schemas/X of the whole document: point them at the registered one. */
  private refOrSchema(schema: Json): Json {
    return JSON.parse(
      JSON.stringify(toJsonSchema(schema)).replaceAll('"#/components/schemas/', '"engine#/components/schemas/'),
    ) as Json;
  }

  validateResponse(method: string, path: string, status: number, body: unknown): ResponseCheck {
    const validate = this.validator(method, path, status);
    if (!validate) return { ok: true, errors: '', noSchema: true };
    const ok = validate(body);
    return { ok, errors: ok ? '' : this.ajv.errorsText(validate.errors, { separator: '\n' }), noSchema: false };
  }
}
