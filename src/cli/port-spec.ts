// -p/--publish specs as the docker CLI parses them: [ip:][hostPort[-end]:]containerPort[-end][/proto],
// into Config.ExposedPorts and HostConfig.PortBindings. Errors word as docker's.
import { CliExit } from './context.js';

export interface PublishSpec {
  exposed: Record<string, object>;
  bindings: Record<string, { HostIp: string; HostPort: string }[]>;
}

const fail = (message: string): never => {
  throw new CliExit(125, `berth: ${message}\n\nRun 'berth run --help' for more information`);
};

function parseRange(text: string, what: string): [number, number] {
  const m = /^(\d+)(?:-(\d+))?$/.exec(text);
  const start = Number(m?.[1]);
  const end = m?.[2] !== undefined ? Number(m[2]) : start;
  if (!m || start < 1 || start > 65535 || end < start || end > 65535) fail(`invalid ${what}: ${text}`);
  return [start, end];
}

export function parsePublish(specs: string[], expose: string[]): PublishSpec {
  const out: PublishSpec = { exposed: {}, bindings: {} };
  for (const e of expose) {
    const [ports = '', proto = 'tcp'] = e.split('/');
    const [start, end] = parseRange(ports, 'range format for --expose');
    for (let p = start; p <= end; p++) out.exposed[`${p}/${proto}`] = {};
  }
  for (const spec of specs) {
    let rest = spec;
    let proto = 'tcp';
    const slash = rest.lastIndexOf('/');
    if (slash >= 0) {
      proto = rest.slice(slash + 1).toLowerCase();
      rest = rest.slice(0, slash);
    }
    if (!['tcp', 'udp', 'sctp'].includes(proto)) fail(`invalid proto: ${proto}`);
    let ip = '';
    let hostPart = '';
    let containerPart = rest;
    const bracket = /^\[([^\]]+)\]:(.*)$/.exec(rest);
    const parts = bracket ? [bracket[1] ?? '', ...(bracket[2] ?? '').split(':')] : rest.split(':');
    if (parts.length === 2) [hostPart = '', containerPart = ''] = parts;
    else if (parts.length === 3) [ip = '', hostPart = '', containerPart = ''] = parts;
    else if (parts.length > 3) fail(`invalid IP address: ${parts.slice(0, -2).join(':')}`);
    if (ip && !/^(\d{1,3}\.){3}\d{1,3}$/.test(ip) && !ip.includes(':')) fail(`invalid IP address: ${ip}`);
    const [cStart, cEnd] = parseRange(containerPart, 'containerPort');
    let hStart = 0;
    let hEnd = 0;
    if (hostPart) [hStart, hEnd] = parseRange(hostPart, 'hostPort');
    if (hostPart && hEnd - hStart !== cEnd - cStart && cEnd !== cStart)
      fail(`invalid ranges specified for container and host Ports: ${containerPart} and ${hostPart}`);
    for (let p = cStart; p <= cEnd; p++) {
      const key = `${p}/${proto}`;
      out.exposed[key] = {};
      const hostPort = !hostPart
        ? ''
        : cEnd === cStart && hEnd !== hStart
          ? `${hStart}-${hEnd}`
          : String(hStart + (p - cStart));
      (out.bindings[key] ??= []).push({ HostIp: ip, HostPort: hostPort });
    }
  }
  return out;
}
