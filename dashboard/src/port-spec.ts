// The run form's port lines in docker's -p syntax, as the Engine API's create body wants them.
/** "8080:80", "127.0.0.1:8080:80/udp", "80" -> Docker's ExposedPorts and PortBindings. */
export function portSpec(specs: string[]): {
  exposed: Record<string, object>;
  bindings: Record<string, { HostIp: string; HostPort: string }[]>;
} {
  const exposed: Record<string, object> = {};
  const bindings: Record<string, { HostIp: string; HostPort: string }[]> = {};
  for (const spec of specs) {
    const [addr, proto = 'tcp'] = spec.split('/');
    const parts = (addr ?? '').split(':');
    const container = parts.pop() ?? '';
    if (!/^\d+$/.test(container)) throw new Error(`invalid port "${spec}"`);
    const hostPort = parts.pop() ?? '';
    const hostIp = parts.join(':');
    const key = `${container}/${proto}`;
    exposed[key] = {};
    (bindings[key] ??= []).push({ HostIp: hostIp, HostPort: hostPort });
  }
  return { exposed, bindings };
}
