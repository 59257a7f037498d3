// HTTP/1.1 exchanges over the daemon's unix socket whose answer is read whole (JSON, text, an empty 204): what most
// CLI commands make. Node's http client costs a command ~10 ms of CPU (its modules, then the first call of each of
// its functions: ClientRequest, the agent, the header checks, the parser); this is a request line, headers and a
// body written to a net.Socket and a response read by its framing (RFC 9112 section 6.3): no body for HEAD, 1xx,
// 204 and 304; chunked; Content-Length; or up to the close. One idle connection is kept for the next exchange, as a
// keep-alive agent would (`version` and `ps` make two). Streams, uploads, upgrades and cancellable calls still go
// through node:http (engine-client.ts). Why a reader of our own rather than a parser library: http-parser-js 0.5.10
// (the one that parses without a client around it) was tried against this file's tests on 2026-12-05 and takes an
// invalid chunk size as the body's end, then waits for trailers that never come, and keeps no connection after a
// HEAD's answer; Node's own llhttp is reachable only through node:http or the deprecated process.binding.
import { connect, type Socket } from 'node:net';

export interface WholeRequest {
  method: string;
  /** The request target, already encoded. */
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface WholeResponse {
  status: number;
  /** Header names in lower case; a repeated header's values joined by ", ". */
  headers: Record<string, string>;
  body: Buffer;
}

/** Node's http client's own words for a connection that ended before its answer did. */
const hangUp = (): NodeJS.ErrnoException => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });

/** Node's http client's limit on a response's head (--max-http-header-size). */
const MAX_HEAD = 16 * 1024;

const CONTROL = /[\0-\x1f\x7f]/;
const TARGET = /^[\x21-\x7e]+$/;

function requestHead(req: WholeRequest, bodyLength: number | undefined): string {
  if (!TARGET.test(req.path)) throw new TypeError('Request path contains unescaped characters');
  let head = `${req.method} ${req.path} HTTP/1.1\r\n`;
  for (const [name, value] of Object.entries(req.headers)) {
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name))
      throw new TypeError(`Header name must be a valid HTTP token ["${name}"]`);
    if (CONTROL.test(value.replace(/\t/g, ''))) throw new TypeError(`Invalid character in header content ["${name}"]`);
    head += `${name}: ${value}\r\n`;
  }
  if (bodyLength !== undefined) head += `Content-Length: ${bodyLength}\r\n`;
  return `${head}\r\n`;
}

/** How a response's body ends, once its head is read. */
type Framing = { kind: 'none' } | { kind: 'length'; length: number } | { kind: 'chunked' } | { kind: 'close' };

function framing(method: string, status: number, headers: Record<string, string>): Framing {
  if (method === 'HEAD' || status === 204 || status === 304) return { kind: 'none' };
  const coding = headers['transfer-encoding'];
  if (coding !== undefined) {
    if (/(^|,)\s*chunked\s*$/i.test(coding)) return { kind: 'chunked' };
    return { kind: 'close' };
  }
  const length = headers['content-length'];
  if (length !== undefined) {
    if (!/^\d+$/.test(length)) throw new Error(`Parse Error: invalid Content-Length ${JSON.stringify(length)}`);
    return { kind: 'length', length: Number(length) };
  }
  return { kind: 'close' };
}

/** Reads one response off the bytes a connection delivers: push() each chunk; the answer once it is complete. */
class ResponseReader {
  private buffered: Buffer = Buffer.alloc(0);
  private head: { status: number; version: string; headers: Record<string, string> } | undefined;
  private frame: Framing | undefined;
  private readonly body: Buffer[] = [];
  /** Chunked: the data bytes left in the current chunk, or -1 between chunks; then its CRLF is due. */
  private chunkLeft = -1;
  private crlfDue = false;
  private inTrailers = false;
  /** Bytes seen at all (a reused connection that ends before any may be retried). */
  received = 0;

  constructor(private readonly method: string) {}

  /** The response when `chunk` completed it; `keepAlive` says whether the connection can carry another. */
  push(chunk: Buffer): { response: WholeResponse; keepAlive: boolean } | undefined {
    this.received += chunk.length;
    this.buffered = this.buffered.length ? Buffer.concat([this.buffered, chunk]) : chunk;
    while (!this.head) {
      const end = this.buffered.indexOf('\r\n\r\n');
      if (end < 0) {
        if (this.buffered.length > MAX_HEAD) throw new Error('Parse Error: Header overflow');
        return undefined;
      }
      const head = this.parseHead(this.buffered.subarray(0, end).toString('latin1'));
      this.buffered = this.buffered.subarray(end + 4);
      // 1xx (but 101, which this client never asks for): an interim answer, the real one follows.
      if (head.status >= 100 && head.status < 200) continue;
      this.head = head;
      this.frame = framing(this.method, head.status, head.headers);
    }
    return this.readBody();
  }

  /** The answer when the connection ended: complete only when its body runs to the close. */
  end(): WholeResponse | undefined {
    if (this.head && this.frame?.kind === 'close') {
      this.body.push(this.buffered);
      return this.response();
    }
    return undefined;
  }

  private parseHead(text: string): { status: number; version: string; headers: Record<string, string> } {
    const [statusLine = '', ...lines] = text.split('\r\n');
    const status = /^HTTP\/(1\.[01]) (\d{3})(?: .*)?$/.exec(statusLine);
    if (!status) throw new Error(`Parse Error: invalid status line ${JSON.stringify(statusLine.slice(0, 80))}`);
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      if (colon <= 0) throw new Error(`Parse Error: invalid header line ${JSON.stringify(line.slice(0, 80))}`);
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
    }
    return { status: Number(status[2]), version: status[1] as string, headers };
  }

  private readBody(): { response: WholeResponse; keepAlive: boolean } | undefined {
    const frame = this.frame as Framing;
    switch (frame.kind) {
      case 'none':
        return this.done(this.buffered.length === 0);
      case 'close':
        this.body.push(this.buffered);
        this.buffered = Buffer.alloc(0);
        return undefined;
      case 'length': {
        if (this.buffered.length < frame.length) return undefined;
        this.body.push(this.buffered.subarray(0, frame.length));
        const extra = this.buffered.length > frame.length;
        this.buffered = Buffer.alloc(0);
        return this.done(!extra);
      }
      case 'chunked':
        return this.readChunks();
    }
  }

  private readChunks(): { response: WholeResponse; keepAlive: boolean } | undefined {
    for (;;) {
      if (this.chunkLeft > 0) {
        const take = Math.min(this.chunkLeft, this.buffered.length);
        this.body.push(this.buffered.subarray(0, take));
        this.buffered = this.buffered.subarray(take);
        this.chunkLeft -= take;
        if (this.chunkLeft > 0) return undefined;
        this.chunkLeft = -1;
        this.crlfDue = true;
      }
      if (this.crlfDue) {
        if (this.buffered.length < 2) return undefined;
        if (this.buffered[0] !== 0x0d || this.buffered[1] !== 0x0a)
          throw new Error('Parse Error: a chunk does not end with CRLF');
        this.buffered = this.buffered.subarray(2);
        this.crlfDue = false;
      }
      const eol = this.buffered.indexOf('\r\n');
      if (eol < 0) {
        if (this.buffered.length > MAX_HEAD) throw new Error('Parse Error: chunk header overflow');
        return undefined;
      }
      const line = this.buffered.subarray(0, eol).toString('latin1');
      this.buffered = this.buffered.subarray(eol + 2);
      if (this.inTrailers) {
        if (line === '') return this.done(this.buffered.length === 0);
        continue;
      }
      const size = /^([0-9a-fA-F]{1,12})[ \t]*(;.*)?$/.exec(line);
      if (!size) throw new Error(`Parse Error: invalid chunk size ${JSON.stringify(line.slice(0, 40))}`);
      const length = parseInt(size[1] as string, 16);
      if (length === 0) this.inTrailers = true;
      else this.chunkLeft = length;
    }
  }

  private done(clean: boolean): { response: WholeResponse; keepAlive: boolean } {
    const head = this.head!;
    const connection = (head.headers.connection ?? '').toLowerCase();
    const keepAlive =
      clean && (head.version === '1.1' ? !/\bclose\b/.test(connection) : /\bkeep-alive\b/.test(connection));
    return { response: this.response(), keepAlive };
  }

  private response(): WholeResponse {
    const head = this.head!;
    return { status: head.status, headers: head.headers, body: Buffer.concat(this.body) };
  }
}

/** Exchanges with one daemon socket, keeping one idle connection between them. */
export class WholeResponseClient {
  private idle: { socket: Socket; take(): Socket } | undefined;
  /** Connections with an exchange under way (a wait can be pending for the container's life). */
  private readonly busy = new Set<Socket>();
  /** Counts close() calls: an exchange one cut short is not sent again. */
  private closes = 0;

  constructor(readonly socketPath: string) {}

  async exchange(req: WholeRequest): Promise<WholeResponse> {
    const payload = req.body === undefined ? undefined : Buffer.from(req.body, 'utf8');
    const needsLength = payload !== undefined || req.method === 'POST' || req.method === 'PUT';
    const head = requestHead(req, needsLength ? (payload?.length ?? 0) : undefined);
    const closes = this.closes;
    const reused = this.idle?.take();
    if (reused) {
      try {
        return await this.send(reused, req.method, head, payload);
      } catch (err) {
        // The daemon closed the idle connection as this request went out: a safe method is sent again on a new
        // connection (as Go's and Node's agents do); any other fails as it would have.
        if (!(err instanceof ClosedBeforeAnswer)) throw err;
        if (req.method !== 'GET' && req.method !== 'HEAD') throw err.cause;
        if (this.closes !== closes) throw err.cause; // close() ended it: no new connection
      }
    }
    try {
      return await this.send(connect(this.socketPath), req.method, head, payload);
    } catch (err) {
      throw err instanceof ClosedBeforeAnswer ? err.cause : err;
    }
  }

  /** Drops the idle connection and those still waiting for an answer (as an http agent's destroy() does): a
   * command that ends while a request is pending, e.g. `run -it` detached while its wait is under way, exits. */
  close(): void {
    this.closes++;
    this.idle?.take().destroy();
    for (const socket of this.busy) socket.destroy();
    this.busy.clear();
  }

  private send(socket: Socket, method: string, head: string, payload: Buffer | undefined): Promise<WholeResponse> {
    const reader = new ResponseReader(method);
    this.busy.add(socket);
    return new Promise((resolve, reject) => {
      const finish = (err: unknown, response?: WholeResponse, keepAlive = false): void => {
        this.busy.delete(socket);
        socket.off('data', onData);
        socket.off('end', onEnd);
        socket.off('error', onError);
        socket.off('close', onClose);
        if (err !== undefined) {
          socket.destroy();
          reject(reader.received === 0 ? new ClosedBeforeAnswer(err) : err);
        } else {
          if (keepAlive) this.keepIdle(socket);
          else socket.destroy();
          resolve(response as WholeResponse);
        }
      };
      const onData = (chunk: Buffer): void => {
        let done;
        try {
          done = reader.push(chunk);
        } catch (err) {
          finish(err);
          return;
        }
        if (done) finish(undefined, done.response, done.keepAlive);
      };
      const onEnd = (): void => {
        const response = reader.end();
        if (response) finish(undefined, response);
        else finish(hangUp());
      };
      const onError = (err: Error): void => finish(err);
      const onClose = (): void => finish(hangUp());
      socket.on('data', onData);
      socket.on('end', onEnd);
      socket.on('error', onError);
      socket.on('close', onClose);
      socket.write(payload ? Buffer.concat([Buffer.from(head, 'latin1'), payload]) : head);
    });
  }

  /** Keeps `socket` for the next exchange. While idle it never keeps the process alive, and it is dropped when the
   * daemon closes it or sends anything unasked. */
  private keepIdle(socket: Socket): void {
    if (this.idle) {
      socket.destroy();
      return;
    }
    socket.unref();
    const drop = (): void => {
      take();
      socket.destroy();
    };
    const events = ['data', 'end', 'error', 'close'] as const;
    const take = (): Socket => {
      for (const event of events) socket.off(event, drop);
      if (this.idle?.socket === socket) this.idle = undefined;
      socket.ref();
      return socket;
    };
    for (const event of events) socket.on(event, drop);
    this.idle = { socket, take };
  }
}

/** A connection that ended or failed before any byte of the answer: its `cause` is what the caller sees. */
class ClosedBeforeAnswer extends Error {
  constructor(override readonly cause: unknown) {
    super('closed before an answer');
  }
}
