// Types for hpack.js (an untyped CommonJS package): only the decompressor's synchronous calls, which berth uses.
declare module 'hpack.js' {
  interface HeaderField {
    name: string;
    value: string;
    neverIndex?: boolean;
  }
  interface Decompressor {
    write(block: Buffer): boolean;
    /** Decodes what was written; errors go to `cb` on the next tick when given, else are emitted at once. */
    execute(cb?: (err: Error | null) => void): void;
    on(event: 'error', listener: (err: Error) => void): this;
    read(): HeaderField | null;
    updateTableSize(size: number): void;
  }
  const hpack: {
    decompressor: { create(options: { table: { size: number } }): Decompressor };
  };
  export default hpack;
}
