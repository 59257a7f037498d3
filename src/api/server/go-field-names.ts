// Go's encoding/json matches each key of a JSON object to a struct field by its exact name or, failing that,
// ignoring case: docker-py sends exec's `detachKeys`, and Docker reads it as DetachKeys. The body is rewritten to the
// schema's field names before it is checked, so every route reads fields as Docker's decoder would. Keys of maps
// (labels, options) are data and stay as sent; when two keys name one field the later wins, as in Go, unless it is
// null (which Go skips).
import type { z } from 'zod';

type Def =
  | { type: 'optional' | 'nullable' | 'default' | 'readonly' | 'catch' | 'nonoptional'; innerType: z.core.$ZodType }
  | { type: 'pipe'; in: z.core.$ZodType }
  | { type: 'lazy'; getter: () => z.core.$ZodType }
  | { type: 'array'; element: z.core.$ZodType }
  | { type: 'record'; valueType: z.core.$ZodType }
  | { type: 'object'; shape: Record<string, z.core.$ZodType> }
  | { type: 'other' };

const defOf = (schema: z.core.$ZodType): Def => schema._zod.def as unknown as Def;
const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function set(out: Record<string, unknown>, key: string, value: unknown): void {
  // defineProperty: a key such as "__proto__" stays data, as JSON.parse made it.
  Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
}

export function withGoFieldNames(schema: z.core.$ZodType, value: unknown): unknown {
  const def = defOf(schema);
  switch (def.type) {
    case 'optional':
    case 'nullable':
    case 'default':
    case 'readonly':
    case 'catch':
    case 'nonoptional':
      return withGoFieldNames(def.innerType, value);
    case 'pipe':
      return withGoFieldNames(def.in, value);
    case 'lazy':
      return withGoFieldNames(def.getter(), value);
    case 'array':
      return Array.isArray(value) ? value.map((v) => withGoFieldNames(def.element, v)) : value;
    case 'record': {
      if (!isObject(value)) return value;
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) set(out, k, withGoFieldNames(def.valueType, v));
      return out;
    }
    case 'object': {
      if (!isObject(value)) return value;
      const shape = def.shape;
      const byFold = new Map(Object.keys(shape).map((f) => [f.toLowerCase(), f]));
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        const name = Object.hasOwn(shape, k) ? k : (byFold.get(k.toLowerCase()) ?? k);
        if (v === null && Object.hasOwn(out, name)) continue;
        const field = Object.hasOwn(shape, name) ? shape[name] : undefined;
        set(out, name, field ? withGoFieldNames(field, v) : v);
      }
      return out;
    }
    default:
      return value;
  }
}
