import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planMounts } from '../containers/mount-specs.js';
import { parseVolumesFrom, planContainerVolumes, startMounts } from './container-volumes.js';

let n = 0;
const input = { newName: () => `anon${++n}`, dataPath: (name: string) => `/root/volumes/${name}/_data` };

test('named, anonymous and image volumes become mount points with their data paths', () => {
  n = 0;
  const planned = planMounts({
    Binds: ['data:/data:ro', '/srv:/srv'],
    Mounts: [
      {
        Type: 'volume',
        Target: '/m',
        VolumeOptions: { DriverConfig: { Options: { type: 'tmpfs', device: 'tmpfs' } } },
      },
    ],
  });
  const { points, needs } = planContainerVolumes({
    ...input,
    planned,
    configVolumes: ['/var/lib/x/', '/data'],
    volumesFrom: [],
  });
  assert.deepEqual(
    points.map((p) => [p.Type, p.Name ?? '', p.Source, p.Destination, p.Mode, p.RW]),
    [
      ['volume', 'data', '/root/volumes/data/_data', '/data', 'ro', false],
      ['bind', '', '/srv', '/srv', '', true],
      ['volume', 'anon1', '/root/volumes/anon1/_data', '/m', 'z', true],
      ['volume', 'anon2', '/root/volumes/anon2/_data', '/var/lib/x', '', true],
    ],
  );
  assert.deepEqual(
    needs.map((v) => [v.name, v.anonymous, v.driverOptions.type ?? '']),
    [
      ['data', false, ''],
      ['anon1', true, 'tmpfs'],
      ['anon2', true, ''],
    ],
  );
});

test('--volumes-from copies the source mounts, its mode overriding', () => {
  const from = [
    {
      spec: 'web:ro',
      mounts: [
        {
          Type: 'volume',
          Name: 'v',
          Source: '/s',
          Destination: '/d',
          Driver: 'local',
          Mode: 'z',
          RW: true,
          Propagation: '',
        },
      ],
    },
  ];
  const { points, needs } = planContainerVolumes({ ...input, planned: [], configVolumes: [], volumesFrom: from });
  assert.equal(points[0]?.RW, false);
  assert.deepEqual(
    needs.map((v) => v.name),
    ['v'],
  );
  assert.throws(() => parseVolumesFrom('web:rx'), /invalid mode: rx/);
});

test('start mounts: volumes become binds (copy-up unless nocopy), parents first', () => {
  n = 0;
  const planned = planMounts({ Binds: ['aa:/data/sub:nocopy', 'bb:/data'], Tmpfs: { '/t': '' } });
  const { points } = planContainerVolumes({ ...input, planned, configVolumes: [], volumesFrom: [] });
  const mounts = startMounts(planned, points, { copyUp: true });
  assert.deepEqual(
    mounts.map((m) => [m.type, m.source, m.destination, m.copyUp ?? false]),
    [
      ['tmpfs', 'tmpfs', '/t', false],
      ['bind', '/root/volumes/bb/_data', '/data', true],
      ['bind', '/root/volumes/aa/_data', '/data/sub', false],
    ],
  );
});
