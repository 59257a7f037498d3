// berth's embedded DNS server: one UDP socket per user-defined network, on the network's gateway address,
// port 53 (Docker listens on 127.0.0.11 inside each namespace and DNATs; berth listens on the gateway so no
// per-container rule is needed, and each daemon's networks have their own addresses, so daemons never
// collide). Container names and aliases of the network are answered here; every other query is relayed
// to the nameservers of the host's resolv.conf.
import { createSocket, type Socket } from 'node:dgram';
import { readFile } from 'node:fs/promises';
import dnsPacket from 'dns-packet';
import type { Logger } from '../../lib/logger.js';
import type { DnsServer, NameLookup } from '../../core/networks/network-host.js';

const UPSTREAM_TIMEOUT_MS = 2000;
const TTL_S = 600;

export interface EmbeddedDnsOptions {
  lookup: NameLookup;
  /** The host's resolv.conf: where other queries go. */
  resolvConfPath: string;
  /** Port to listen on (53; tests may pick another). */
  port?: number;
  /** Port of the upstream nameservers (53; tests run a fake one elsewhere). */
  upstreamPort?: number;
  logger: Logger;
}

export class EmbeddedDns implements DnsServer {
  private readonly sockets = new Map<string, Socket>();

  constructor(private readonly options: EmbeddedDnsOptions) {}

  async serve(networkId: string, address: string): Promise<void> {
    await this.stop(networkId);
    const socket = createSocket({ type: 'udp4', reuseAddr: true });
    socket.on('message', (msg, rinfo) => {
      this.answer(networkId, msg, rinfo.address).then(
        (reply) => reply && socket.send(reply, rinfo.port, rinfo.address),
        (err: unknown) => this.options.logger.debug({ err }, 'dns query failed'),
      );
    });
    socket.on('error', (err) => this.options.logger.warn({ err, network: networkId }, 'dns socket error'));
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(this.options.port ?? 53, address, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    this.sockets.set(networkId, socket);
  }

  async stop(networkId: string): Promise<void> {
    const socket = this.sockets.get(networkId);
    if (!socket) return;
    this.sockets.delete(networkId);
    await new Promise<void>((resolve) => socket.close(() => resolve()));
  }

  async close(): Promise<void> {
    await Promise.all([...this.sockets.keys()].map((id) => this.stop(id)));
  }

  private async answer(networkId: string, msg: Buffer, asker: string): Promise<Buffer | undefined> {
    let query: dnsPacket.DecodedPacket;
    try {
      query = dnsPacket.decode(msg);
    } catch {
      return undefined;
    }
    const question = query.questions?.[0];
    if (!question || query.type !== 'query') return undefined;
    const name = question.name.replace(/\.$/, '').toLowerCase();
    const { v4, v6 } = this.options.lookup(networkId, name, asker);
    if (v4.length > 0 || v6.length > 0) {
      // A known name without records of the asked type: NOERROR with no answers, so resolvers do not go upstream.
      const answers: dnsPacket.Answer[] =
        question.type === 'A'
          ? v4.map((ip) => ({ type: 'A', name: question.name, ttl: TTL_S, class: 'IN', data: ip }))
          : question.type === 'AAAA'
            ? v6.map((ip) => ({ type: 'AAAA', name: question.name, ttl: TTL_S, class: 'IN', data: ip }))
            : [];
      return dnsPacket.encode({
        type: 'response',
        id: query.id,
        flags: (query.flags ?? 0) | dnsPacket.RECURSION_AVAILABLE,
        questions: query.questions,
        answers,
      });
    }
    return (
      (await this.forward(msg)) ??
      dnsPacket.encode({
        type: 'response',
        id: query.id,
        flags: ((query.flags ?? 0) | dnsPacket.RECURSION_AVAILABLE) + 2,
        questions: query.questions,
      })
    );
  }

  private async upstreams(): Promise<string[]> {
    const text = await readFile(this.options.resolvConfPath, 'utf8').catch(() => '');
    return text
      .split('\n')
      .map((l) => l.trim().split(/\s+/))
      .filter((w) => w[0] === 'nameserver' && w[1] && /^\d+\.\d+\.\d+\.\d+$/.test(w[1]))
      .map((w) => w[1] as string);
  }

  /** Relays the query to each upstream in turn; undefined when none answers. */
  private async forward(msg: Buffer): Promise<Buffer | undefined> {
    for (const server of await this.upstreams()) {
      const reply = await new Promise<Buffer | undefined>((resolve) => {
        const socket = createSocket('udp4');
        const timer = setTimeout(() => done(undefined), UPSTREAM_TIMEOUT_MS);
        const done = (value: Buffer | undefined): void => {
          clearTimeout(timer);
          socket.close();
          resolve(value);
        };
        socket.on('error', () => done(undefined));
        socket.on('message', (data) => done(data));
        socket.send(msg, this.options.upstreamPort ?? 53, server);
      });
      if (reply) return reply;
    }
    return undefined;
  }
}
