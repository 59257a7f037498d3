import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMountFlag, splitVolumeFlags } from './mount-flag.js';

test('--mount: volume with options, bind, tmpfs', () => {
  assert.deepEqual(
    parseMountFlag('type=volume,src=data,dst=/data,ro,volume-opt=type=tmpfs,volume-opt=device=tmpfs,volume-label=a=b'),
    {
      Type: 'volume',
      Source: 'data',
      Target: '/data',
      ReadOnly: true,
      VolumeOptions: { DriverConfig: { Options: { type: 'tmpfs', device: 'tmpfs' } }, Labels: { a: 'b' } },
    },
  );
  assert.deepEqual(parseMountFlag('type=bind,source=/srv,target=/srv,bind-propagation=rshared'), {
    Type: 'bind',
    Source: '/srv',
    Target: '/srv',
    BindOptions: { Propagation: 'rshared' },
  });
  assert.deepEqual(parseMountFlag('type=tmpfs,dst=/t,tmpfs-size=1m'), {
    Type: 'tmpfs',
    Target: '/t',
    TmpfsOptions: { SizeBytes: 1048576 },
  });
  assert.throws(() => parseMountFlag('src=x'), /target is required/);
  assert.throws(
    () => parseMountFlag('type=bind,src=/a,dst=/b,volume-nocopy'),
    /cannot mix 'volume-\*' options with mount type 'bind'/,
  );
});

test('-v: lone paths are anonymous volumes', () => {
  assert.deepEqual(splitVolumeFlags(['/data', 'v:/x', '/a:/b']), { binds: ['v:/x', '/a:/b'], anonymous: ['/data'] });
});
