import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WholeResponseClient } from './whole-response.js';

/** A server on a temporary unix socket; `run` gets its path, then the server and the directory go. */
async function onSocket(server: Server, run: (path: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'whole-response-'));
  const path = join(dir, 's.sock');
  await new Promise<void>((resolve) => server.listen(path, resolve));
  try {
    await run(path);
  } finally {
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A raw server that answers every request (whatever arrived once a blank line did) with `answer`'s bytes, sent
 * in pieces of `piece` bytes (1: every byte in its own write). */
function rawServer(answer: (request: string, socket: Socket) => string | undefined, piece = 1 << 20): Server {
  const sockets = new Set<Socket>();
  const server = createNetServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let got = '';
    socket.on('data', async (chunk) => {
      got += chunk.toString('latin1');
      const end = got.indexOf('\r\n\r\n');
      if (end < 0) return;
      const length = Number(/content-length: (\d+)/i.exec(got.slice(0, end))?.[1] ?? 0);
      if (got.length < end + 4 + length) return;
      const request = got;
      got = '';
      const bytes = answer(request, socket);
      if (bytes === undefined) return;
      for (let i = 0; i < bytes.length; i += piece) {
        socket.write(Buffer.from(bytes.slice(i, i + piece), 'latin1'));
        await new Promise((resolve) => setImmediate(resolve));
      }
    });
  });
  server.on('close', () => sockets.forEach((s) => s.destroy()));
  const close = server.close.bind(server);
  server.close = (cb) => {
    sockets.forEach((s) => s.destroy());
    return close(cb);
  };
  return server;
}

test('answers of node:http: Content-Length, chunked, 204 and HEAD, over one kept connection', async () => {
  let connections = 0;
  const seen: string[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => (body += d));
    req.on('end', () => {
      seen.push(`${req.method} ${req.url} ${req.headers['content-length'] ?? '-'} ${body}`);
      if (req.url === '/length') res.end(JSON.stringify({ ok: true, text: 'h\u00e9' }));
      else if (req.url === '/chunked') {
        res.write('[1,');
        res.write('2,');
        res.end('3]');
      } else if (req.url === '/empty') res.writeHead(204).end();
      else res.writeHead(404, { 'Content-Type': 'application/json' }).end('{"message":"nope"}');
    });
  });
  server.on('connection', () => connections++);
  await onSocket(server, async (path) => {
    const client = new WholeResponseClient(path);
    const a = await client.exchange({ method: 'GET', path: '/length', headers: { Host: 'x' } });
    assert.equal(a.status, 200);
    assert.deepEqual(JSON.parse(a.body.toString('utf8')), { ok: true, text: 'h\u00e9' });
    const b = await client.exchange({ method: 'POST', path: '/chunked', headers: { Host: 'x' }, body: '{"a":1}' });
    assert.equal(b.headers['transfer-encoding'], 'chunked');
    assert.equal(b.body.toString(), '[1,2,3]');
    const c = await client.exchange({ method: 'POST', path: '/empty', headers: { Host: 'x' } });
    assert.equal(c.status, 204);
    assert.equal(c.body.length, 0);
    const d = await client.exchange({ method: 'HEAD', path: '/length', headers: { Host: 'x' } });
    assert.equal(d.status, 200);
    assert.equal(d.body.length, 0);
    const e = await client.exchange({ method: 'DELETE', path: '/missing?force=1', headers: { Host: 'x' } });
    assert.equal(e.status, 404);
    assert.equal(e.body.toString(), '{"message":"nope"}');
    client.close();
    assert.equal(connections, 1);
    assert.deepEqual(seen, [
      'GET /length - ',
      'POST /chunked 7 {"a":1}',
      'POST /empty 0 ',
      'HEAD /length - ',
      'DELETE /missing?force=1 - ',
    ]);
  });
});

test('an answer that arrives a byte at a time: chunk extensions, trailers, an interim 100', async () => {
  const answer =
    'HTTP/1.1 100 Continue\r\n\r\n' +
    'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-A: 1\r\nx-a: 2\r\n\r\n' +
    '5;name=v\r\nhello\r\n1\r\n \r\nA\r\n0123456789\r\n0\r\nX-Trailer: t\r\n\r\n';
  await onSocket(
    rawServer(() => answer, 1),
    async (path) => {
      const client = new WholeResponseClient(path);
      const res = await client.exchange({ method: 'GET', path: '/', headers: {} });
      assert.equal(res.status, 200);
      assert.equal(res.headers['x-a'], '1, 2');
      assert.equal(res.body.toString(), 'hello 0123456789');
      // Kept: the second exchange goes over the same connection.
      assert.equal(
        (await client.exchange({ method: 'GET', path: '/', headers: {} })).body.toString(),
        'hello 0123456789',
      );
      client.close();
    },
  );
});

test('a body that runs to the close; Connection: close is honoured', async () => {
  let connections = 0;
  const server = rawServer((request, socket) => {
    if (request.startsWith('GET /eof')) {
      socket.end('HTTP/1.1 200 OK\r\n\r\nall of it');
      return undefined;
    }
    return 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok';
  });
  server.on('connection', () => connections++);
  await onSocket(server, async (path) => {
    const client = new WholeResponseClient(path);
    assert.equal((await client.exchange({ method: 'GET', path: '/eof', headers: {} })).body.toString(), 'all of it');
    assert.equal((await client.exchange({ method: 'GET', path: '/c', headers: {} })).body.toString(), 'ok');
    assert.equal((await client.exchange({ method: 'GET', path: '/c', headers: {} })).body.toString(), 'ok');
    assert.equal(connections, 3);
    client.close();
  });
});

test('an idle connection the daemon dropped: GET goes again on a new one, POST fails as it was', async () => {
  let connections = 0;
  // Answers a connection's first request; drops the connection at its second without a word, as a daemon whose
  // keep-alive timeout ran out as the request went out would.
  const answered = new WeakSet<Socket>();
  const server = rawServer((_request, socket) => {
    if (answered.has(socket)) {
      socket.destroy();
      return undefined;
    }
    answered.add(socket);
    return 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok';
  });
  server.on('connection', () => connections++);
  await onSocket(server, async (path) => {
    const client = new WholeResponseClient(path);
    const send = (method: string) => client.exchange({ method, path: '/', headers: {} });
    assert.equal((await send('GET')).body.toString(), 'ok');
    assert.equal((await send('GET')).body.toString(), 'ok');
    assert.equal(connections, 2);
    await assert.rejects(send('POST'), { code: 'ECONNRESET' });
    client.close();
  });
});

test('a connection that ends mid-answer fails as node:http does; so do a bad head and a missing socket', async () => {
  const server = rawServer((request, socket) => {
    if (request.startsWith('GET /short')) socket.end('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc');
    else if (request.startsWith('GET /chunks'))
      socket.end('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab');
    else if (request.startsWith('GET /garbage')) return 'SSH-2.0-nope\r\n\r\n';
    else if (request.startsWith('GET /badchunk')) return 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n';
    return undefined;
  });
  await onSocket(server, async (path) => {
    const client = new WholeResponseClient(path);
    const get = (p: string) => client.exchange({ method: 'GET', path: p, headers: {} });
    await assert.rejects(get('/short'), { code: 'ECONNRESET', message: 'socket hang up' });
    await assert.rejects(get('/chunks'), { code: 'ECONNRESET' });
    await assert.rejects(get('/garbage'), /Parse Error: invalid status line/);
    await assert.rejects(get('/badchunk'), /Parse Error: invalid chunk size/);
    client.close();
  });
  await assert.rejects(
    new WholeResponseClient('/nonexistent/berth.sock').exchange({ method: 'GET', path: '/', headers: {} }),
    { code: 'ENOENT' },
  );
});

test('a request line or header that would split the request is refused before anything is sent', async () => {
  const client = new WholeResponseClient('/nonexistent/berth.sock');
  await assert.rejects(client.exchange({ method: 'GET', path: '/a b', headers: {} }), TypeError);
  await assert.rejects(client.exchange({ method: 'GET', path: '/a\r\nX: 1', headers: {} }), TypeError);
  await assert.rejects(client.exchange({ method: 'GET', path: '/', headers: { 'X-A': 'v\r\nX-B: 1' } }), TypeError);
  await assert.rejects(client.exchange({ method: 'GET', path: '/', headers: { 'X A': 'v' } }), TypeError);
});

test(
  'close() ends an exchange still waiting for its answer, and it is not sent again',
  { timeout: 10_000 },
  async () => {
    // A long wait (POST /containers/x/wait) that a command leaves behind, as `run -it` does when detached.
    let requests = 0;
    let arrived!: () => void;
    const requested = new Promise<void>((resolve) => (arrived = resolve));
    const server = rawServer(() => {
      requests++;
      arrived();
      return undefined;
    });
    await onSocket(server, async (path) => {
      const client = new WholeResponseClient(path);
      const pending = client.exchange({ method: 'GET', path: '/wait', headers: {} });
      await requested;
      client.close();
      await assert.rejects(pending, { code: 'ECONNRESET' });
      assert.equal(requests, 1);
    });
  },
);
