import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { join } from 'node:path';
import { makeTestCa } from '../../../test/helpers/test-ca.js';
import { readCertsDirectory, tlsFetcher } from './registry-tls.js';
import { describe, isTlsFailure } from './registry-http.js';

const ca = makeTestCa();
after(() => ca.remove());

async function serve(requireClient: boolean): Promise<{ url: string; server: Server }> {
  const server = createServer(
    {
      cert: readFileSync(ca.serverCert),
      key: readFileSync(ca.serverKey),
      ...(requireClient ? { requestCert: true, rejectUnauthorized: true, ca: readFileSync(ca.caCert) } : {}),
    },
    (_req, res) => res.end('{}'),
  );
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `https://127.0.0.1:${(server.address() as { port: number }).port}/v2/`, server };
}

const failure = async (promise: Promise<Response>): Promise<unknown> =>
  promise.then(
    () => assert.fail('expected the request to fail'),
    (err: unknown) => err,
  );

test("Docker's certs.d rules: *.crt are roots, *.cert + *.key a client pair; a lone half is refused as dockerd words it", () => {
  const dir = join(ca.dir, 'certs.d', 'registry.test:5000');
  mkdirSync(dir, { recursive: true });
  assert.equal(readCertsDirectory(dir), undefined);
  assert.equal(readCertsDirectory(join(ca.dir, 'certs.d', 'absent')), undefined);
  copyFileSync(ca.caCert, join(dir, 'ca.crt'));
  copyFileSync(ca.clientCert, join(dir, 'client.cert'));
  assert.throws(
    () => readCertsDirectory(dir),
    /missing key client\.key for client certificate client\.cert in .*registry\.test:5000\. Note that CA certificates should use the extension \.crt/,
  );
  copyFileSync(ca.clientKey, join(dir, 'client.key'));
  copyFileSync(ca.clientKey, join(dir, 'stray.key'));
  assert.throws(() => readCertsDirectory(dir), /missing client certificate stray\.cert for key stray\.key/);
  copyFileSync(ca.clientCert, join(dir, 'stray.cert'));
  assert.deepEqual(readCertsDirectory(dir), {
    ca: [join(dir, 'ca.crt')],
    clients: [
      { cert: join(dir, 'client.cert'), key: join(dir, 'client.key') },
      { cert: join(dir, 'stray.cert'), key: join(dir, 'stray.key') },
    ],
  });
});

test('a server certificate no configured root signed fails with the reason, as x509 words it; the CA makes it pass', async () => {
  const { url, server } = await serve(false);
  try {
    const err = await failure(tlsFetcher(undefined)(url, {}));
    assert.ok(isTlsFailure(err));
    assert.match(describe(err), /^tls: failed to verify certificate: x509: certificate signed by unknown authority: /);
    const other = await failure(tlsFetcher({ ca: [ca.otherCaCert], clients: [] })(url, {}));
    assert.match(describe(other), /certificate signed by unknown authority/);
    assert.equal((await tlsFetcher({ ca: [ca.caCert], clients: [] })(url, {})).status, 200);
    assert.equal((await tlsFetcher({ ca: [], clients: [], skipVerify: true })(url, {})).status, 200);
  } finally {
    server.close();
  }
});

test('a server asking for a client certificate gets the configured pair (separate files, or one file with both)', async () => {
  const { url, server } = await serve(true);
  try {
    // Refused without one (Node's server closes the connection after the handshake; Go's sends an alert).
    const refused = await failure(tlsFetcher({ ca: [ca.caCert], clients: [] })(url, {}));
    assert.match(describe(refused), /asking for a client certificate/);
    const pair = { ca: [ca.caCert], clients: [{ cert: ca.clientCert, key: ca.clientKey }] };
    assert.equal((await tlsFetcher(pair)(url, {})).status, 200);
    const both = join(ca.dir, 'client-both.pem');
    writeFileSync(both, readFileSync(ca.clientCert, 'utf8') + readFileSync(ca.clientKey, 'utf8'));
    assert.equal((await tlsFetcher({ ca: [ca.caCert], clients: [{ cert: both }] })(url, {})).status, 200);
  } finally {
    server.close();
  }
});

test('a missing or bad file is an error naming it', () => {
  assert.throws(() => tlsFetcher({ ca: [join(ca.dir, 'nope.crt')], clients: [] }), {
    message: new RegExp(`^unable to read CA cert "${join(ca.dir, 'nope.crt')}": ENOENT`),
  });
  assert.throws(() => tlsFetcher({ ca: [ca.clientKey], clients: [] }), {
    message: `unable to load CA cert "${ca.clientKey}": no PEM certificate in it`,
  });
  assert.throws(() => tlsFetcher({ ca: [], clients: [{ cert: ca.clientCert, key: ca.serverKey }] }), {
    message: new RegExp(
      `^failed to load X509 key pair from "${ca.clientCert}" and "${ca.serverKey}": .*values mismatch`,
    ),
  });
  assert.throws(
    () => tlsFetcher({ ca: [], clients: [{ cert: join(ca.dir, 'gone.cert') }] }),
    /unable to read client certificate ".*gone\.cert"/,
  );
});

test('one dispatcher per configuration: the same files give the same agent, fetches reuse it', async () => {
  const { url, server } = await serve(false);
  try {
    const f = tlsFetcher({ ca: [ca.caCert], clients: [] });
    const g = tlsFetcher({ ca: [ca.caCert], clients: [] });
    assert.equal((await f(url, {})).status, 200);
    assert.equal((await g(url, {})).status, 200);
  } finally {
    server.close();
  }
});
