// Fastify builds its schema compilers (ajv, fast-json-stringify) when an instance is created: about 2.7 MB of heap
// that an Engine API without route schemas never uses. These factories load the same compilers on first use.
import { createRequire } from 'node:module';
import type { FastifyServerOptions } from 'fastify';

type Factories = NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>;
type ValidatorFactory = NonNullable<Factories['buildValidator']>;
type SerializerFactory = NonNullable<Factories['buildSerializer']>;

// The compilers are fastify's own dependencies: resolved from fastify, as fastify itself requires them.
const fromFastify = createRequire(createRequire(import.meta.url).resolve('fastify'));

let validator: ValidatorFactory | undefined;
let serializer: SerializerFactory | undefined;

/** Fastify's default compilers, each required the first time a route with a schema is compiled. */
export const lazySchemaCompilers: Required<Factories> = {
  buildValidator: (...args) => {
    validator ??= (fromFastify('@fastify/ajv-compiler') as () => ValidatorFactory)();
    return validator(...args);
  },
  buildSerializer: (...args) => {
    serializer ??= (fromFastify('@fastify/fast-json-stringify-compiler') as () => SerializerFactory)();
    return serializer(...args);
  },
};
