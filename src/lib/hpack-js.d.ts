// Types for hpack.js (an untyped CommonJS package): only the decompressor's synchronous calls, which berth uses.
declare module 'hpack.js' {
  interface HeaderField {
    name: string;
    value: string;
    neverIndex?: boolean;
  }
  interface Decompressor {
    write(block: Buffer): boolean;
    /** Decodes what was written; errors are thrown to `cb` when given, else emitted. */
    execute(cb?: (err: Error | null) => void): void;
    read(): HeaderField | null;
    updateTableSize(size: number): void;
  }
  const hpack: {
    decompressor: { create(options: { table: { size: number } }): Decompressor };
  };
  export default hpack;
}
