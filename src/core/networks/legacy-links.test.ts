import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalLink, linkEnv, linkHostNames, parseLink } from './legacy-links.js';

test('links: parse forms, canonical form, hosts names', () => {
  assert.deepEqual(parseLink('db'), { name: 'db', alias: 'db' });
  assert.deepEqual(parseLink('db:data-base'), { name: 'db', alias: 'data-base' });
  assert.deepEqual(parseLink('/db:/app/database'), { name: 'db', alias: 'database' });
  assert.throws(() => parseLink('bad::x:y'), /bad format for links: bad::x:y/);
  assert.equal(canonicalLink('db', 'app', 'database'), '/db:/app/database');
  assert.equal(linkHostNames('database', 'efa5b53ed302', 'db'), 'database efa5b53ed302 db');
  assert.equal(linkHostNames('db', 'efa5b53ed302', 'db'), 'db efa5b53ed302');
});

test('link env: as dockerd 20.10 sets it (ports sorted, ranges of three or more, HOME and PATH left out)', () => {
  const env = linkEnv({
    alias: 'my-rng',
    parentName: 'app',
    childIp: '172.17.0.3',
    childEnv: ['PATH=/bin', 'HOME=/root', 'A=b=c'],
    exposed: ['9000/udp', '8002/tcp', '8000/tcp', '8001/tcp'],
  });
  assert.deepEqual(env.sort(), [
    'MY_RNG_ENV_A=b=c',
    'MY_RNG_NAME=/app/my-rng',
    'MY_RNG_PORT=tcp://172.17.0.3:8000',
    'MY_RNG_PORT_8000_TCP=tcp://172.17.0.3:8000',
    'MY_RNG_PORT_8000_TCP_ADDR=172.17.0.3',
    'MY_RNG_PORT_8000_TCP_ADDR=172.17.0.3',
    'MY_RNG_PORT_8000_TCP_END=tcp://172.17.0.3:8002',
    'MY_RNG_PORT_8000_TCP_PORT=8000',
    'MY_RNG_PORT_8000_TCP_PORT_END=8002',
    'MY_RNG_PORT_8000_TCP_PORT_START=8000',
    'MY_RNG_PORT_8000_TCP_PROTO=tcp',
    'MY_RNG_PORT_8000_TCP_PROTO=tcp',
    'MY_RNG_PORT_8000_TCP_START=tcp://172.17.0.3:8000',
    'MY_RNG_PORT_8001_TCP=tcp://172.17.0.3:8001',
    'MY_RNG_PORT_8001_TCP_ADDR=172.17.0.3',
    'MY_RNG_PORT_8001_TCP_PORT=8001',
    'MY_RNG_PORT_8001_TCP_PROTO=tcp',
    'MY_RNG_PORT_8002_TCP=tcp://172.17.0.3:8002',
    'MY_RNG_PORT_8002_TCP_ADDR=172.17.0.3',
    'MY_RNG_PORT_8002_TCP_PORT=8002',
    'MY_RNG_PORT_8002_TCP_PROTO=tcp',
    'MY_RNG_PORT_9000_UDP=udp://172.17.0.3:9000',
    'MY_RNG_PORT_9000_UDP_ADDR=172.17.0.3',
    'MY_RNG_PORT_9000_UDP_PORT=9000',
    'MY_RNG_PORT_9000_UDP_PROTO=udp',
  ]);
});
