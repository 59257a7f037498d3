import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ContainerStore } from '../../core/containers/container-store.js';
import type { EndpointRecord, NetworkStore } from '../../core/networks/network-record.js';
import { lookupName } from './dns-names.js';

const ep = (networkId: string, containerId: string, ip: string, aliases: string[] = []): EndpointRecord =>
  ({
    id: `${networkId}-${containerId}`,
    networkId,
    containerId,
    aliases,
    requestedIp: '',
    ip,
    mac: '',
    hostIfName: '',
  }) as EndpointRecord;

// proxy is on front and back, app on back only (alias api), client on front only.
const endpoints = [
  ep('front', 'proxy', '10.1.0.2'),
  ep('back', 'proxy', '10.2.0.2'),
  ep('back', 'app', '10.2.0.3', ['api']),
  ep('front', 'client', '10.1.0.3'),
];
const stores = {
  store: {
    endpointsOfNetwork: (id: string) => endpoints.filter((e) => e.networkId === id),
    endpointsOfContainer: (id: string) => endpoints.filter((e) => e.containerId === id),
  } as unknown as NetworkStore,
  containers: {
    get: (id: string) => ({ id: `${id}${'0'.repeat(60)}`, name: id, config: { Hostname: `${id}-host` } }),
  } as unknown as ContainerStore,
};

test("a name the asked network does not know is answered from the asker's other networks", () => {
  assert.deepEqual(lookupName(stores, 'front', 'api', '10.1.0.2'), { v4: ['10.2.0.3'], v6: [] });
  assert.deepEqual(lookupName(stores, 'front', 'app', '10.1.0.2'), { v4: ['10.2.0.3'], v6: [] });
});

test('a container on one network only does not see names of networks it is not on', () => {
  assert.deepEqual(lookupName(stores, 'front', 'app', '10.1.0.3'), { v4: [], v6: [] });
  assert.deepEqual(lookupName(stores, 'front', 'app'), { v4: [], v6: [] });
});

test("the asked network's own answer comes first", () => {
  assert.deepEqual(lookupName(stores, 'front', 'client', '10.1.0.2'), { v4: ['10.1.0.3'], v6: [] });
});

test("a container's hostname is answered on its networks, as Docker answers it", () => {
  assert.deepEqual(lookupName(stores, 'back', 'app-host', '10.2.0.2'), { v4: ['10.2.0.3'], v6: [] });
  assert.deepEqual(lookupName(stores, 'front', 'client-host'), { v4: ['10.1.0.3'], v6: [] });
  assert.deepEqual(lookupName(stores, 'front', 'app-host', '10.1.0.3'), { v4: [], v6: [] }, 'not on its network');
});
