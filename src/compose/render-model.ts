// The model in the Compose Specification's own field names, as `config` prints it: every short syntax in its long
// form, defaults written out, durations as Go durations.
import type { FileMount, FileObject, Project, ServiceConfig, VolumeMount } from './model.js';

import type { Tree } from './syntax.js';

const nonEmpty = <T>(v: T[] | Record<string, unknown>, out: Tree, key: string): void => {
  if (Array.isArray(v) ? v.length > 0 : Object.keys(v).length > 0) out[key] = v;
};

function goDuration(ns: number): string {
  if (ns === 0) return '0s';
  const units: [string, number][] = [
    ['h', 3600e9],
    ['m', 60e9],
    ['s', 1e9],
    ['ms', 1e6],
    ['us', 1e3],
    ['ns', 1],
  ];
  let rest = ns;
  let out = '';
  for (const [unit, size] of units) {
    const n = Math.floor(rest / size);
    if (n > 0) out += `${n}${unit}`;
    rest -= n * size;
  }
  return out;
}

function volume(v: VolumeMount): Tree {
  const out: Tree = { type: v.type };
  if (v.type !== 'tmpfs' && v.source) out.source = v.source;
  out.target = v.target;
  if (v.readOnly) out.read_only = true;
  if (v.type === 'volume') out.volume = v.nocopy ? { nocopy: true } : {};
  if (v.type === 'bind')
    out.bind = {
      create_host_path: v.createHostPath,
      ...(v.propagation ? { propagation: v.propagation } : {}),
      ...(v.selinux ? { selinux: v.selinux } : {}),
    };
  if (v.type === 'tmpfs' && (v.size !== undefined || v.mode !== undefined))
    out.tmpfs = {
      ...(v.size !== undefined ? { size: v.size } : {}),
      ...(v.mode !== undefined ? { mode: v.mode } : {}),
    };
  return out;
}

const fileMount = (m: FileMount): Tree => ({
  source: m.source,
  target: m.target,
  ...(m.uid !== undefined ? { uid: m.uid } : {}),
  ...(m.gid !== undefined ? { gid: m.gid } : {}),
  ...(m.mode !== undefined ? { mode: m.mode } : {}),
});

/** A secret or config as `config` prints it: the file, or that it has content (never the secret itself). */
const fileObjects = (objects: Record<string, FileObject>, kind: 'secrets' | 'configs'): Tree =>
  Object.fromEntries(
    Object.entries(objects).map(([k, o]) => [
      k,
      'file' in o
        ? { name: o.name, file: o.file }
        : kind === 'configs'
          ? { name: o.name, content: o.content }
          : { name: o.name },
    ]),
  );

function service(s: ServiceConfig): Tree {
  const out: Tree = {};
  if (s.build)
    out.build = {
      context: s.build.context,
      dockerfile: s.build.dockerfile,
      ...(Object.keys(s.build.args).length ? { args: s.build.args } : {}),
      ...(s.build.target ? { target: s.build.target } : {}),
      ...(Object.keys(s.build.labels).length ? { labels: s.build.labels } : {}),
      ...(s.build.secrets.length
        ? {
            secrets: s.build.secrets.map((b) => ({ source: b.source, ...(b.id !== b.source ? { target: b.id } : {}) })),
          }
        : {}),
    };
  if (s.capAdd.length) out.cap_add = s.capAdd;
  if (s.capDrop.length) out.cap_drop = s.capDrop;
  if (s.command) out.command = s.command;
  if (s.containerName) out.container_name = s.containerName;
  if (Object.keys(s.dependsOn).length)
    out.depends_on = Object.fromEntries(
      Object.entries(s.dependsOn).map(([k, d]) => [
        k,
        { condition: d.condition, restart: d.restart, required: d.required },
      ]),
    );
  if (s.replicas !== 1 || s.resources) out.deploy = deployOf(s);
  if (s.devices)
    out.devices = s.devices.map((d) => ({ source: d.source, target: d.target, permissions: d.permissions }));
  if (s.domainname) out.domainname = s.domainname;
  if (s.entrypoint) out.entrypoint = s.entrypoint;
  nonEmpty(s.environment, out, 'environment');
  nonEmpty(s.expose, out, 'expose');
  nonEmpty(s.extraHosts, out, 'extra_hosts');
  if (s.healthcheck) {
    const h = s.healthcheck;
    out.healthcheck = {
      ...(h.test ? { test: h.test } : {}),
      ...(h.interval !== undefined ? { interval: goDuration(h.interval) } : {}),
      ...(h.timeout !== undefined ? { timeout: goDuration(h.timeout) } : {}),
      ...(h.startPeriod !== undefined ? { start_period: goDuration(h.startPeriod) } : {}),
      ...(h.startInterval !== undefined ? { start_interval: goDuration(h.startInterval) } : {}),
      ...(h.retries !== undefined ? { retries: h.retries } : {}),
      ...(h.disable ? { disable: true } : {}),
    };
  }
  if (s.hostname) out.hostname = s.hostname;
  out.image = s.image;
  if (s.init !== undefined) out.init = s.init;
  nonEmpty(s.labels, out, 'labels');
  out.networks = Object.fromEntries(
    Object.entries(s.networks).map(([k, n]) => [
      k,
      n.aliases.length || n.ipv4Address || n.ipv6Address
        ? {
            ...(n.aliases.length ? { aliases: n.aliases } : {}),
            ...(n.ipv4Address ? { ipv4_address: n.ipv4Address } : {}),
            ...(n.ipv6Address ? { ipv6_address: n.ipv6Address } : {}),
          }
        : null,
    ]),
  );
  if (s.ports.length)
    out.ports = s.ports.map((p) => ({
      mode: 'ingress',
      ...(p.hostIp ? { host_ip: p.hostIp } : {}),
      target: p.target,
      ...(p.published ? { published: p.published } : {}),
      protocol: p.protocol,
    }));
  if (s.privileged) out.privileged = true;
  nonEmpty(s.profiles, out, 'profiles');
  if (s.readOnly) out.read_only = true;
  if (s.restart) out.restart = s.restart;
  if (s.stdinOpen) out.stdin_open = true;
  if (s.stopGracePeriod !== undefined) out.stop_grace_period = goDuration(s.stopGracePeriod * 1e9);
  if (s.stopSignal) out.stop_signal = s.stopSignal;
  nonEmpty(s.tmpfs, out, 'tmpfs');
  if (s.dns) out.dns = s.dns;
  if (s.dnsSearch) out.dns_search = s.dnsSearch;
  if (s.dnsOpt) out.dns_opt = s.dnsOpt;
  if (s.sysctls) out.sysctls = s.sysctls;
  if (s.ulimits)
    out.ulimits = Object.fromEntries(
      s.ulimits.map((u) => [u.name, u.soft === u.hard ? u.soft : { soft: u.soft, hard: u.hard }]),
    );
  if (s.logging)
    out.logging = { ...(s.logging.driver ? { driver: s.logging.driver } : {}), options: s.logging.options };
  if (s.tty) out.tty = true;
  if (s.user !== undefined) out.user = s.user;
  if (s.volumes.length) out.volumes = s.volumes.map(volume);
  if (s.workingDir) out.working_dir = s.workingDir;
  if (s.secrets.length) out.secrets = s.secrets.map(fileMount);
  if (s.configs.length) out.configs = s.configs.map(fileMount);
  return out;
}

/** deploy: replicas, and the resources sent to the engine (cpus as a number, sizes in bytes). */
function deployOf(s: ServiceConfig): Tree {
  const r = s.resources ?? {};
  const limits: Tree = {};
  if (r.nanoCpus !== undefined) limits.cpus = r.nanoCpus / 1e9;
  if (r.memory !== undefined) limits.memory = r.memory;
  if (r.pids !== undefined) limits.pids = r.pids;
  const resources: Tree = {
    ...(Object.keys(limits).length ? { limits } : {}),
    ...(r.memoryReservation !== undefined ? { reservations: { memory: r.memoryReservation } } : {}),
  };
  return { ...(s.replicas !== 1 ? { replicas: s.replicas } : {}), ...(s.resources ? { resources } : {}) };
}

export function renderModel(p: Project, only: string[] = []): Tree {
  const services = Object.entries(p.services).filter(([n]) => only.length === 0 || only.includes(n));
  const out: Tree = { name: p.name, services: Object.fromEntries(services.map(([n, s]) => [n, service(s)])) };
  if (Object.keys(p.networks).length)
    out.networks = Object.fromEntries(
      Object.entries(p.networks).map(([k, n]) => {
        const net: Tree = { name: n.name };
        if (n.external) net.external = true;
        if (n.driver) net.driver = n.driver;
        if (Object.keys(n.driverOpts).length) net.driver_opts = n.driverOpts;
        if (n.internal) net.internal = true;
        if (n.attachable) net.attachable = true;
        if (n.enableIpv6 !== undefined) net.enable_ipv6 = n.enableIpv6;
        if (n.ipam)
          net.ipam = {
            ...(n.ipam.driver ? { driver: n.ipam.driver } : {}),
            config: n.ipam.config.map((c) => ({
              ...(c.subnet ? { subnet: c.subnet } : {}),
              ...(c.gateway ? { gateway: c.gateway } : {}),
              ...(c.ipRange ? { ip_range: c.ipRange } : {}),
            })),
          };
        if (Object.keys(n.labels).length) net.labels = n.labels;
        return [k, net];
      }),
    );
  if (Object.keys(p.volumes).length)
    out.volumes = Object.fromEntries(
      Object.entries(p.volumes).map(([k, v]) => {
        const vol: Tree = { name: v.name };
        if (v.external) vol.external = true;
        if (v.driver) vol.driver = v.driver;
        if (Object.keys(v.driverOpts).length) vol.driver_opts = v.driverOpts;
        if (Object.keys(v.labels).length) vol.labels = v.labels;
        return [k, vol];
      }),
    );
  if (Object.keys(p.secrets).length) out.secrets = fileObjects(p.secrets, 'secrets');
  if (Object.keys(p.configs).length) out.configs = fileObjects(p.configs, 'configs');
  return out;
}
