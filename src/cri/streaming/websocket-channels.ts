// Kubernetes' channel protocols over WebSocket (the apiserver's wsstream, which kubelet's and containerd's streaming
// servers speak beside SPDY): one WebSocket carries numbered channels, every message starting with its channel's
// number, as a byte (`channel.k8s.io`, `v4.channel.k8s.io`, or no sub-protocol at all) or as an ASCII digit with
// the rest in base64 (`base64.channel.k8s.io`, `v4.base64.channel.k8s.io`). The client offers sub-protocols in
// Sec-WebSocket-Protocol; the first one offered that the server speaks is taken. A channel has no end of its own
// in these versions: what the client sends ends when the WebSocket closes.
import { Duplex } from 'node:stream';
import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';

/** The sub-protocol the client asked for that the server speaks ('' when it offered none), or the refusal. */
export function negotiateWebSocket(
  req: IncomingMessage,
  serverProtocols: readonly string[],
): { protocol: string } | { status: number; message: string } {
  const offered = String(req.headers['sec-websocket-protocol'] ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  const protocol = (offered.length > 0 ? offered : ['']).find((p) => serverProtocols.includes(p));
  if (protocol !== undefined) return { protocol };
  return {
    status: 403,
    message: `unable to upgrade websocket connection: requested protocol(s) are not supported: [${offered.join(' ')}]; supports [${serverProtocols.join(' ')}]`,
  };
}

export const isBase64Protocol = (protocol: string): boolean => protocol.includes('base64.');

/** The channels of one WebSocket: each a Duplex reading what the client sends on it and writing to the client. */
export class WebSocketChannels {
  private readonly channels = new Map<number, ChannelStream>();
  /** Settles once the WebSocket is closed, by either side. */
  readonly closed: Promise<void>;

  constructor(
    private readonly ws: WebSocket,
    private readonly base64: boolean,
  ) {
    this.closed = new Promise((resolve) => ws.once('close', () => resolve()));
    ws.on('error', () => ws.terminate());
    ws.on('message', (message: Buffer) => this.receive(message));
    void this.closed.then(() => {
      for (const channel of this.channels.values()) channel.push(null);
    });
  }

  channel(n: number): Duplex {
    let channel = this.channels.get(n);
    if (!channel) {
      channel = new ChannelStream((data, done) => this.send(n, data, done));
      this.channels.set(n, channel);
    }
    return channel;
  }

  /** A message on channel n, sent as it is (an empty one tells the client the streams are ready). */
  send(n: number, data: Buffer, done: (err?: Error | null) => void = () => undefined): void {
    if (this.ws.readyState !== this.ws.OPEN) return done();
    if (this.base64) this.ws.send(`${String.fromCharCode(48 + n)}${data.toString('base64')}`, done);
    else this.ws.send(Buffer.concat([Buffer.of(n), data]), { binary: true }, done);
  }

  close(): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.close(1000);
  }

  private receive(message: Buffer): void {
    if (message.length === 0) return;
    let n = message[0]!;
    let data = message.subarray(1);
    if (this.base64) {
      n -= 48;
      data = Buffer.from(data.toString('latin1'), 'base64');
    }
    // Frames for a channel nobody reads are dropped, as wsstream's ignored channels are.
    this.channels.get(n)?.push(data);
  }
}

class ChannelStream extends Duplex {
  constructor(private readonly sendData: (data: Buffer, done: (err?: Error | null) => void) => void) {
    super();
  }
  override _read(): void {
    /* pushed by the WebSocket's messages */
  }
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (err?: Error | null) => void): void {
    this.sendData(chunk, done);
  }
}
