import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePort } from './port-syntax.js';

test('short syntax', () => {
  assert.deepEqual(parsePort('80', 'p'), [{ target: 80, protocol: 'tcp' }]);
  assert.deepEqual(parsePort(80, 'p'), [{ target: 80, protocol: 'tcp' }]);
  assert.deepEqual(parsePort('8080:80/udp', 'p'), [{ target: 80, published: '8080', protocol: 'udp' }]);
  assert.deepEqual(parsePort('127.0.0.1:8080:80', 'p'), [
    { target: 80, published: '8080', hostIp: '127.0.0.1', protocol: 'tcp' },
  ]);
  assert.deepEqual(parsePort('127.0.0.1::80', 'p'), [{ target: 80, hostIp: '127.0.0.1', protocol: 'tcp' }]);
  assert.deepEqual(parsePort('[::1]:6000:6001', 'p'), [
    { target: 6001, published: '6000', hostIp: '::1', protocol: 'tcp' },
  ]);
});

test('ranges pair up; mismatched ranges are refused', () => {
  assert.deepEqual(parsePort('9090-9091:8080-8081', 'p'), [
    { target: 8080, published: '9090', protocol: 'tcp' },
    { target: 8081, published: '9091', protocol: 'tcp' },
  ]);
  assert.deepEqual(parsePort('8000-8005:80', 'p'), [{ target: 80, published: '8000-8005', protocol: 'tcp' }]);
  assert.throws(() => parsePort('1-3:1-2', 'services.a.ports[0]'), /services.a.ports\[0\]: port ranges don't match/);
  assert.throws(() => parsePort('80/xyz', 'p'), /invalid protocol/);
  assert.throws(() => parsePort('70000', 'p'), /invalid port range/);
});

test('long syntax', () => {
  assert.deepEqual(parsePort({ target: 80, published: 8080, host_ip: '0.0.0.0', protocol: 'udp', mode: 'host' }, 'p'), [
    { target: 80, published: '8080', hostIp: '0.0.0.0', protocol: 'udp' },
  ]);
});
