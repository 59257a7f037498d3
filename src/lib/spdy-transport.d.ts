// Types for spdy-transport 3.0.0 (an untyped CommonJS package): only the server-side connection berth uses
// (lib/spdy-server.ts), and the private fields that file reaches into, each named there with why.
declare module 'spdy-transport' {
  import type { Duplex } from 'node:stream';
  import type { EventEmitter } from 'node:events';

  interface WindowSide extends EventEmitter {
    update(size: number, callback?: () => void): void;
    getDelta(): number;
  }
  interface SpdyStream extends Duplex {
    id: number;
    /** SYN_STREAM's headers, names lower-cased as SPDY/3 sends them. */
    headers: Record<string, string>;
    respond(status: number, headers: Record<string, string>, callback?: (err?: Error) => void): void;
    /** RST_STREAM (CANCEL unless a code is given). */
    abort(code?: string, callback?: () => void): void;
    _spdyState: { window: { send: WindowSide } };
  }
  interface Parser {
    parseKVs(buffer: unknown, callback: (err: Error | null, headers?: Record<string, string>) => void): void;
  }
  interface Connection extends EventEmitter {
    start(version: number): void;
    end(callback?: () => void): void;
    destroyStreams(err?: Error): void;
    on(event: 'stream', listener: (stream: SpdyStream) => void): this;
    on(event: 'error', listener: (err: Error) => void): this;
    on(event: 'close', listener: () => void): this;
    _spdyState: { parser: Parser };
  }
  const transport: {
    connection: {
      create(socket: Duplex, options: { protocol: 'spdy'; isServer: true; windowSize?: number }): Connection;
    };
  };
  export default transport;
  export type { Connection, SpdyStream };
}
