// The one function of swagger2openapi the contract tests use (the package ships no types).
declare module 'swagger2openapi' {
  interface ConvertOptions {
    patch?: boolean;
    warnOnly?: boolean;
  }
  const converter: { convertObj(swagger: object, options: ConvertOptions): Promise<{ openapi: unknown }> };
  export default converter;
}
