// A CNI network of a test's own for pods (berthd's or containerd's): a conflist of Debian's plugins (bridge with
// host-local IPAM, portmap, loopback) on a bridge name and 10.X.0.0/24 subnet no other test uses, with its
// address leases in a temporary directory. cleanup() removes the bridge and the directories.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomInt } from 'node:crypto';
import { reserveOctet } from './octets.js';

export const CNI_BIN_DIR = '/usr/lib/cni';

export interface TestCni {
  confDir: string;
  bridge: string;
  subnet: string;
  /** The gateway: the bridge's address on the host. */
  gateway: string;
  cleanup(): void;
}

export function makeTestCni(label: string): TestCni {
  const dir = mkdtempSync(join(tmpdir(), `berth-cni-${label}-`));
  const confDir = join(dir, 'net.d');
  mkdirSync(confDir);
  const { octet, release } = reserveOctet();
  const bridge = `bc${randomInt(0, 0xffffff).toString(16).padStart(6, '0')}`;
  const subnet = `10.${octet}.77.0/24`;
  writeFileSync(
    join(confDir, '10-test.conflist'),
    JSON.stringify({
      cniVersion: '0.4.0',
      name: `berth-test-${label}`,
      plugins: [
        {
          type: 'bridge',
          bridge,
          isGateway: true,
          ipMasq: false,
          hairpinMode: true,
          ipam: {
            type: 'host-local',
            ranges: [[{ subnet }]],
            routes: [{ dst: '0.0.0.0/0' }],
            dataDir: join(dir, 'ipam'),
          },
        },
        { type: 'portmap', capabilities: { portMappings: true } },
        { type: 'loopback' },
      ],
    }),
  );
  return {
    confDir,
    bridge,
    subnet,
    gateway: `10.${octet}.77.1`,
    cleanup() {
      try {
        execFileSync('ip', ['link', 'del', bridge], { stdio: 'ignore' });
      } catch {
        /* never made */
      }
      rmSync(dir, { recursive: true, force: true });
      release();
    },
  };
}
