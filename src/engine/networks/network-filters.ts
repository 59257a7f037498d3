// GET /networks filters, as Docker: driver, id (prefix), name (substring), label, scope, type, dangling.
import { invalidArgument } from '../../core/errdefs.js';
import type { NetworkRecord } from '../../core/networks/network-record.js';

const KNOWN = new Set(['driver', 'id', 'name', 'label', 'label!', 'scope', 'type', 'dangling', 'until']);

export function networkFilter(filters: Map<string, string[]>, inUse: (n: NetworkRecord) => boolean): (n: NetworkRecord) => boolean {
  for (const key of filters.keys()) if (!KNOWN.has(key)) throw invalidArgument(`invalid filter '${key}'`);
  const predefined = (n: NetworkRecord): boolean => ['bridge', 'host', 'none'].includes(n.name) && (n.isDefault || n.driver !== 'bridge');
  const labelMatch = (n: NetworkRecord, spec: string): boolean => {
    const [k = '', v] = spec.split('=');
    return v === undefined ? k in n.labels : n.labels[k] === v;
  };
  return (n) => {
    for (const [key, values] of filters) {
      if (values.length === 0) continue;
      const ok = values.some((v) => {
        switch (key) {
          case 'driver':
            return n.driver === v;
          case 'id':
            return n.id.startsWith(v);
          case 'name':
            return n.name.includes(v);
          case 'label':
            return labelMatch(n, v);
          case 'label!':
            return !labelMatch(n, v);
          case 'scope':
            return v === 'local';
          case 'type':
            if (v !== 'custom' && v !== 'builtin') throw invalidArgument(`invalid filter: 'type'='${v}'`);
            return v === 'builtin' ? predefined(n) : !predefined(n);
          case 'dangling':
            return (v === 'true' || v === '1') === !inUse(n) && !predefined(n);
          case 'until': {
            const cutoff = /^\d+(\.\d+)?$/.test(v) ? Number(v) * 1000 : Date.parse(v);
            return Date.parse(n.created) < cutoff;
          }
          default:
            return true;
        }
      });
      if (!ok) return false;
    }
    return true;
  };
}
