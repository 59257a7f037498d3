// grpc-go clients dialling a unix socket by path (kubelet's and crictl's CRI clients up to Kubernetes 1.26)
// send that path as the HTTP/2 `:authority`, e.g. "/run/berth/cri.sock". nghttp2 inside Node's http2
// server refuses such an authority with RST_STREAM(PROTOCOL_ERROR) before any handler runs, and Node has no
// switch for it; Go's server, which containerd uses, lets it through. So the bytes from the client pass this
// rewriter on their way to Node's server: every header block is decoded with the client's HPACK state,
// an authority that is not one (anything with a character outside RFC 3986's authority set) becomes
// "localhost", and the block is encoded again towards the server as literals without indexing (stateless:
// the server's dynamic table stays empty, so nothing there can drift). Everything else, and the whole
// server-to-client direction, passes through untouched.
import type { Socket } from 'node:net';
import { Duplex } from 'node:stream';
import hpack from 'hpack.js';

const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');
const FRAME_HEADER = 9;
const HEADERS = 0x1;
const CONTINUATION = 0x9;
const END_STREAM = 0x1;
const END_HEADERS = 0x4;
const PADDED = 0x8;
const PRIORITY = 0x20;
/** SETTINGS_HEADER_TABLE_SIZE and SETTINGS_MAX_FRAME_SIZE as Node's server leaves them (RFC 9113 defaults). */
const TABLE_SIZE = 4096;
const MAX_FRAME = 16384;

const AUTHORITY = /^[A-Za-z0-9\-._~!$&'()*+,;=:@[\]%]*$/;

interface PendingBlock {
  streamId: number;
  endStream: boolean;
  priority: Buffer | undefined;
  fragments: Buffer[];
}

export class AuthorityRewriter {
  private input: Buffer = Buffer.alloc(0);
  private prefaceDone = false;
  private pending: PendingBlock | undefined;
  private readonly fromClient = hpack.decompressor.create({ table: { size: TABLE_SIZE } });
  /** hpack.js reports a bad block as a synchronous 'error' event (its callback form reports it a tick late). */
  private decodeError: Error | undefined;

  constructor(private readonly replacement = 'localhost') {
    this.fromClient.on('error', (err: Error) => (this.decodeError = err));
  }

  /** Bytes from the client in; the bytes to hand the server out (frames are held until complete). Throws on a header block that does not decode. */
  push(chunk: Buffer): Buffer {
    this.input = this.input.length === 0 ? chunk : Buffer.concat([this.input, chunk]);
    const out: Buffer[] = [];
    if (!this.prefaceDone) {
      if (this.input.length < PREFACE.length) return Buffer.alloc(0);
      // Not HTTP/2 with prior knowledge: hand it over as it is and let the server answer.
      this.prefaceDone = true;
      out.push(this.input.subarray(0, PREFACE.length));
      this.input = this.input.subarray(PREFACE.length);
    }
    while (this.input.length >= FRAME_HEADER) {
      const length = this.input.readUIntBE(0, 3);
      if (this.input.length < FRAME_HEADER + length) break;
      const frame = this.input.subarray(0, FRAME_HEADER + length);
      this.input = this.input.subarray(FRAME_HEADER + length);
      out.push(...this.frame(frame));
    }
    return Buffer.concat(out);
  }

  private frame(frame: Buffer): Buffer[] {
    const type = frame[3] as number;
    const flags = frame[4] as number;
    const streamId = frame.readUInt32BE(5) & 0x7fffffff;
    let payload = frame.subarray(FRAME_HEADER);
    if (type === HEADERS) {
      if (flags & PADDED) {
        const pad = payload[0] as number;
        payload = payload.subarray(1, payload.length - pad);
      }
      let priority: Buffer | undefined;
      if (flags & PRIORITY) {
        priority = payload.subarray(0, 5);
        payload = payload.subarray(5);
      }
      this.pending = { streamId, endStream: (flags & END_STREAM) !== 0, priority, fragments: [payload] };
    } else if (type === CONTINUATION && this.pending && this.pending.streamId === streamId) {
      this.pending.fragments.push(payload);
    } else {
      return [frame];
    }
    if (!(flags & END_HEADERS)) return [];
    const block = this.pending;
    this.pending = undefined;
    return this.rewritten(block);
  }

  private rewritten(block: PendingBlock): Buffer[] {
    this.fromClient.write(Buffer.concat(block.fragments));
    this.fromClient.execute();
    // The client's HPACK state is lost with a bad block: the caller drops the connection.
    if (this.decodeError) throw new Error(`HTTP/2 header block does not decode: ${this.decodeError.message}`);
    const parts: Buffer[] = [];
    for (let f = this.fromClient.read(); f !== null; f = this.fromClient.read()) {
      const value = f.name === ':authority' && !AUTHORITY.test(f.value) ? this.replacement : f.value;
      parts.push(literalField(f.name, value, f.neverIndex === true));
    }
    const encoded = Buffer.concat([block.priority ?? Buffer.alloc(0), ...parts]);
    // One HEADERS frame, then CONTINUATIONs if the block outgrew a frame.
    const frames: Buffer[] = [];
    for (let offset = 0, first = true; first || offset < encoded.length; first = false) {
      const piece = encoded.subarray(offset, offset + MAX_FRAME);
      offset += piece.length;
      const last = offset >= encoded.length;
      let flags = last ? END_HEADERS : 0;
      if (first && block.endStream) flags |= END_STREAM;
      if (first && block.priority) flags |= PRIORITY;
      const header = Buffer.alloc(FRAME_HEADER);
      header.writeUIntBE(piece.length, 0, 3);
      header[3] = first ? HEADERS : CONTINUATION;
      header[4] = flags;
      header.writeUInt32BE(block.streamId, 5);
      frames.push(header, piece);
    }
    return frames;
  }
}

/** The client's socket, its bytes passed through the authority rewriter, as a stream Node's HTTP/2 server takes. */
/** RFC 7541 5.1: an integer with an N-bit prefix, the prefix's other bits in `high`. */
function hpackInt(value: number, prefixBits: number, high: number): Buffer {
  const max = (1 << prefixBits) - 1;
  if (value < max) return Buffer.from([high | value]);
  const bytes = [high | max];
  for (value -= max; value >= 128; value = Math.floor(value / 128)) bytes.push((value % 128) | 128);
  bytes.push(value);
  return Buffer.from(bytes);
}

/** RFC 7541 5.2: a string literal, not Huffman-coded. */
function hpackString(text: string): Buffer {
  const bytes = Buffer.from(text, 'latin1');
  return Buffer.concat([hpackInt(bytes.length, 7, 0), bytes]);
}

/** RFC 7541 6.2.2 / 6.2.3: a field with a literal name, not indexed (never indexed when the client said so). */
function literalField(name: string, value: string, neverIndex: boolean): Buffer {
  return Buffer.concat([Buffer.from([neverIndex ? 0x10 : 0x00]), hpackString(name), hpackString(value)]);
}

export function mendedConnection(socket: Socket): Duplex {
  const rewriter = new AuthorityRewriter();
  const mended = new Duplex({
    read() {
      socket.resume();
    },
    write(chunk: Buffer, _encoding, callback) {
      socket.write(chunk, callback);
    },
    final(callback) {
      socket.end(callback);
    },
    destroy(err, callback) {
      socket.destroy(err ?? undefined);
      callback(err);
    },
  });
  socket.on('data', (chunk: Buffer) => {
    let bytes: Buffer;
    try {
      bytes = rewriter.push(chunk);
    } catch (err) {
      mended.destroy(err as Error);
      return;
    }
    if (bytes.length > 0 && !mended.push(bytes)) socket.pause();
  });
  socket.on('end', () => mended.push(null));
  socket.on('error', (err) => mended.destroy(err));
  socket.on('close', () => mended.destroy());
  return mended;
}
