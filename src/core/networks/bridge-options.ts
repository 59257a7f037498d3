// The bridge driver's options (`docker network create -o`): the ones Docker's bridge driver honours are
// parsed and validated with Docker's messages; every option is kept as given and shown in inspect, unknown
// ones too (Docker keeps them). The few Docker knows that berth cannot honour are refused by name.
import { invalidArgument } from '../errdefs.js';
import { isIPv4 } from './ipv4.js';
import { isIPv6 } from './ipv6.js';

export const OPT = {
  name: 'com.docker.network.bridge.name',
  icc: 'com.docker.network.bridge.enable_icc',
  masquerade: 'com.docker.network.bridge.enable_ip_masquerade',
  hostBinding: 'com.docker.network.bridge.host_binding_ipv4',
  mtu: 'com.docker.network.driver.mtu',
  ifacePrefix: 'com.docker.network.container_iface_prefix',
  defaultBridge: 'com.docker.network.bridge.default_bridge',
  inhibitIPv4: 'com.docker.network.bridge.inhibit_ipv4',
  gatewayModeV4: 'com.docker.network.bridge.gateway_mode_ipv4',
  gatewayModeV6: 'com.docker.network.bridge.gateway_mode_ipv6',
} as const;

export interface BridgeOptions {
  bridgeName?: string;
  icc: boolean;
  masquerade: boolean;
  /** Host address for published ports that name none ('' = every address). */
  hostBindingIp: string;
  mtu?: number;
  /** Interface name prefix inside containers (eth by default). */
  ifacePrefix: string;
}

/** Go's strconv.ParseBool. */
function parseBool(key: string, value: string): boolean {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return false;
  throw invalidArgument(
    `failed to parse ${key} value: ${value} (strconv.ParseBool: parsing "${value}": invalid syntax)`,
  );
}

/** An interface name berth takes: 1 to 15 of letters, digits, '_', '.', '-' (it goes into iproute2 arguments and
 * iptables-restore text, so nothing that could end a word or a line). */
export function validIfName(name: string): boolean {
  return name.length > 0 && name.length <= 15 && name !== '.' && name !== '..' && /^[A-Za-z0-9_.-]+$/.test(name);
}

export function parseBridgeOptions(options: Record<string, string>): BridgeOptions {
  const out: BridgeOptions = { icc: true, masquerade: true, hostBindingIp: '', ifacePrefix: 'eth' };
  for (const [key, raw] of Object.entries(options)) {
    const value = String(raw);
    switch (key) {
      case OPT.name:
        if (value.length > 15) throw invalidArgument(`bridge name ${value} is longer than 15 characters`);
        if (!validIfName(value))
          throw invalidArgument(`invalid ${key} ${JSON.stringify(value)}: letters, digits, '_', '.' and '-' only`);
        out.bridgeName = value;
        break;
      case OPT.icc:
        out.icc = parseBool(key, value);
        break;
      case OPT.masquerade:
        out.masquerade = parseBool(key, value);
        break;
      case OPT.hostBinding:
        if (!isIPv4(value) && !isIPv6(value)) throw invalidArgument(`failed to parse ${key} value: ${value} (nil ip)`);
        if (isIPv6(value))
          throw invalidArgument(`${key}: berth publishes ports on IPv4 host addresses only (${value})`);
        out.hostBindingIp = value === '0.0.0.0' ? '' : value;
        break;
      case OPT.mtu: {
        if (!/^[+-]?\d+$/.test(value))
          throw invalidArgument(
            `failed to parse ${key} value: ${value} (strconv.Atoi: parsing "${value}": invalid syntax)`,
          );
        const mtu = Number(value);
        if (mtu !== 0 && (mtu < 68 || mtu > 65535)) throw invalidArgument(`invalid MTU number: ${mtu}`);
        if (mtu > 0) out.mtu = mtu;
        break;
      }
      case OPT.ifacePrefix:
        if (!/^[A-Za-z][A-Za-z0-9_-]{0,11}$/.test(value))
          throw invalidArgument(`invalid ${key}: ${JSON.stringify(value)}`);
        out.ifacePrefix = value;
        break;
      case OPT.inhibitIPv4:
        if (parseBool(key, value))
          throw invalidArgument(`${key}=true is not supported by berth (its bridges always carry the IPv4 gateway)`);
        break;
      case OPT.gatewayModeV4:
      case OPT.gatewayModeV6:
        if (value !== 'nat' && value !== '')
          throw invalidArgument(`${key}=${value} is not supported by berth (only "nat")`);
        break;
      default:
        // Unknown options are kept and shown, as Docker does.
        break;
    }
  }
  return out;
}
