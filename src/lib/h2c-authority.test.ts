import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, createServer as createHttp2Server, type IncomingHttpHeaders } from 'node:http2';
import { createServer, connect as netConnect } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { AuthorityRewriter, mendedConnection } from './h2c-authority.js';

test('a socket path as :authority reaches the server as localhost; every other header, and later blocks, intact', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-h2c-'));
  const path = join(dir, 's.sock');
  const seen: IncomingHttpHeaders[] = [];
  const http2 = createHttp2Server((req, res) => {
    seen.push(req.headers);
    res.end(`ok ${seen.length}`);
  });
  const listener = createServer((socket) => http2.emit('connection', mendedConnection(socket)));
  listener.listen(path);
  await once(listener, 'listening');
  const session = connect('http://localhost', { createConnection: () => netConnect(path) });
  try {
    const call = async (headers: Record<string, string>): Promise<string> => {
      const req = session.request({ ':method': 'POST', ':path': '/svc/Method', ':authority': path, ...headers });
      req.end();
      let body = '';
      req.setEncoding('utf8');
      for await (const chunk of req) body += chunk as string;
      return body;
    };
    assert.equal(await call({ 'x-first': 'one' }), 'ok 1');
    // Repeated fields now come from the client's dynamic table; a field bigger than the table empties it;
    // a block bigger than a frame spans CONTINUATION frames.
    assert.equal(await call({ 'x-first': 'one', 'x-big': 'b'.repeat(5000) }), 'ok 2');
    assert.equal(await call({ 'x-first': 'one', 'x-big': 'b'.repeat(40_000) }), 'ok 3');
    assert.equal(await call({ 'x-first': 'one' }), 'ok 4');
    assert.deepEqual(
      seen.map((h) => [h[':authority'], h['x-first'], h[':path'], h['x-big']?.length]),
      [
        ['localhost', 'one', '/svc/Method', undefined],
        ['localhost', 'one', '/svc/Method', 5000],
        ['localhost', 'one', '/svc/Method', 40_000],
        ['localhost', 'one', '/svc/Method', undefined],
      ],
    );
  } finally {
    session.close();
    http2.close();
    listener.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a valid authority is kept as the client sent it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-h2c-'));
  const path = join(dir, 's.sock');
  let authority: string | undefined;
  const http2 = createHttp2Server((req, res) => {
    authority = req.headers[':authority'];
    res.end();
  });
  const listener = createServer((socket) => http2.emit('connection', mendedConnection(socket)));
  listener.listen(path);
  await once(listener, 'listening');
  const session = connect('http://localhost', { createConnection: () => netConnect(path) });
  try {
    const req = session.request({ ':path': '/', ':authority': 'example.test:8080' });
    req.end();
    req.resume();
    await once(req, 'end');
    assert.equal(authority, 'example.test:8080');
  } finally {
    session.close();
    http2.close();
    listener.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a header block that does not decode is an error (the connection is dropped), not a half-read block passed on', () => {
  const rewriter = new AuthorityRewriter();
  const preface = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');
  assert.deepEqual(rewriter.push(preface), preface);
  // HEADERS, END_HEADERS, stream 1: an indexed field pointing past both tables.
  const frame = Buffer.from([0, 0, 1, 0x1, 0x4, 0, 0, 0, 1, 0xff & 0xbf]);
  assert.throws(() => rewriter.push(frame), /header block does not decode: Indexed field OOB/);
});
