// A throw-away certificate authority made with openssl at test time: a CA, a server certificate for loopback
// names (localhost, 127.0.0.1, ::1 and any names given) and a client certificate, all signed by the CA, plus a
// second CA that signed nothing (a root the server's chain does not lead to).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCa {
  dir: string;
  /** PEM files. */
  caCert: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
  /** A CA that signed none of these. */
  otherCaCert: string;
  remove(): void;
}

const openssl = (dir: string, ...args: string[]): void =>
  void execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });

export function makeTestCa(serverNames: string[] = []): TestCa {
  const dir = mkdtempSync(join(tmpdir(), 'berth-test-ca-'));
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  for (const ca of ['ca', 'other-ca'])
    openssl(
      dir,
      'req',
      '-x509',
      ...ec,
      '-days',
      '2',
      '-subj',
      `/CN=berth test ${ca}`,
      '-keyout',
      `${ca}.key`,
      '-out',
      `${ca}.pem`,
    );
  const sign = (name: string, subject: string, ext: string): void => {
    writeFileSync(join(dir, `${name}.ext`), ext);
    openssl(dir, 'req', ...ec, '-subj', subject, '-keyout', `${name}.key`, '-out', `${name}.csr`);
    openssl(
      dir,
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      '2',
      '-extfile',
      `${name}.ext`,
      '-out',
      `${name}.pem`,
    );
  };
  const names = ['DNS:localhost', 'IP:127.0.0.1', 'IP:::1', ...serverNames.map((n) => `DNS:${n}`)];
  sign('server', '/CN=berth test registry', `subjectAltName=${names.join(',')}\nextendedKeyUsage=serverAuth\n`);
  sign('client', '/CN=berth test client', 'extendedKeyUsage=clientAuth\n');
  return {
    dir,
    caCert: join(dir, 'ca.pem'),
    serverCert: join(dir, 'server.pem'),
    serverKey: join(dir, 'server.key'),
    clientCert: join(dir, 'client.pem'),
    clientKey: join(dir, 'client.key'),
    otherCaCert: join(dir, 'other-ca.pem'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
