import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dnsPacket from 'dns-packet';
import { pino } from 'pino';
import { EmbeddedDns } from './dns-server.js';

async function ask(port: number, name: string, type: 'A' | 'AAAA' = 'A'): Promise<dnsPacket.DecodedPacket> {
  const socket = createSocket('udp4');
  const reply = new Promise<Buffer>((resolve) => socket.once('message', resolve));
  socket.send(
    dnsPacket.encode({
      type: 'query',
      id: 7,
      flags: dnsPacket.RECURSION_DESIRED,
      questions: [{ type, name, class: 'IN' }],
    }),
    port,
    '127.0.0.1',
  );
  const packet = dnsPacket.decode(await reply);
  socket.close();
  return packet;
}

test('embedded DNS: container names answered per network, other names relayed upstream, no upstream SERVFAIL', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-dns-'));
  const upstream = createSocket('udp4');
  upstream.on('message', (msg, rinfo) => {
    const q = dnsPacket.decode(msg);
    upstream.send(
      dnsPacket.encode({
        type: 'response',
        id: q.id,
        questions: q.questions,
        answers: [{ type: 'A', name: q.questions?.[0]?.name ?? '', ttl: 1, class: 'IN', data: '10.99.0.1' }],
      }),
      rinfo.port,
      rinfo.address,
    );
  });
  await new Promise<void>((r) => upstream.bind(0, '127.0.0.1', r));
  const resolvConf = join(dir, 'resolv.conf');
  writeFileSync(resolvConf, 'search example.test\nnameserver 127.0.0.1\n');
  const lookup = (network: string, name: string): { v4: string[]; v6: string[] } =>
    network === 'n1' && name === 'web'
      ? { v4: ['10.1.0.2'], v6: [] }
      : network === 'n1' && name === 'six'
        ? { v4: ['10.1.0.3'], v6: ['fd00:1::3'] }
        : { v4: [], v6: [] };
  const rcode = (p: dnsPacket.DecodedPacket): string | undefined => (p as { rcode?: string }).rcode;
  try {
    const probe = createSocket('udp4');
    await new Promise<void>((r) => probe.bind(0, '127.0.0.1', r));
    const port = probe.address().port;
    await new Promise<void>((r) => probe.close(() => r()));
    const server = new EmbeddedDns({
      lookup,
      resolvConfPath: resolvConf,
      port,
      upstreamPort: upstream.address().port,
      logger: pino({ level: 'silent' }),
    });
    await server.serve('n1', '127.0.0.1');
    const a = await ask(port, 'WEB.');
    assert.deepEqual(
      a.answers?.map((x) => (x as { data?: unknown }).data),
      ['10.1.0.2'],
    );
    const aaaa = await ask(port, 'web', 'AAAA');
    assert.equal(aaaa.answers?.length, 0);
    assert.equal(rcode(aaaa), 'NOERROR');
    const six = await ask(port, 'six', 'AAAA');
    assert.deepEqual(
      six.answers?.map((x) => (x as { data?: unknown }).data),
      ['fd00:1::3'],
    );
    const other = await ask(port, 'elsewhere.test');
    assert.deepEqual(
      other.answers?.map((x) => (x as { data?: unknown }).data),
      ['10.99.0.1'],
    );
    writeFileSync(resolvConf, '');
    const none = await ask(port, 'elsewhere.test');
    assert.equal(rcode(none), 'SERVFAIL');
    await server.close();
  } finally {
    upstream.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
