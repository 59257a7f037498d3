import { test } from 'node:test';
import assert from 'node:assert/strict';
import { create } from '@bufbuild/protobuf';
import { containerCreateRequest, type SandboxFacts } from './container-spec.js';
import { seccompOption } from './seccomp-option.js';
import { criLabels } from './cri-labels.js';
import { ContainerConfigSchema, MountPropagation, NamespaceMode, SecurityProfile_ProfileType } from './proto.js';

const sandbox: SandboxFacts = {
  id: 'sb1',
  meta: { name: 'web', uid: 'u1', namespace: 'ns' },
  logDirectory: '/var/log/pods/ns_web_u1',
  hostNetwork: false,
  hostIpc: false,
  hostPid: false,
  shared: {
    hostname: 'web-0',
    dns: ['10.0.0.10'],
    dnsSearch: ['ns.svc'],
    dnsOptions: ['ndots:5'],
    cgroupParent: '/kubepods/pod-u1',
  },
};
const noProfile = (): string => {
  throw new Error('no profile read expected');
};

test('a container joins its pod: namespaces, hostname, DNS, cgroup parent, log path, dockershim name', () => {
  const config = create(ContainerConfigSchema, {
    metadata: { name: 'app', attempt: 2 },
    image: { image: 'busybox' },
    command: ['sh'],
    args: ['-c', 'true'],
    logPath: 'app/2.log',
    mounts: [
      {
        containerPath: '/data',
        hostPath: '/srv/data',
        readonly: true,
        propagation: MountPropagation.PROPAGATION_BIDIRECTIONAL,
      },
    ],
  });
  const { name, request } = containerCreateRequest(config, sandbox, noProfile);
  assert.equal(name, 'k8s_app_web_ns_u1_2');
  const hc = request.HostConfig ?? {};
  assert.deepEqual(
    [hc.NetworkMode, hc.IpcMode, hc.UTSMode, hc.PidMode],
    ['container:sb1', 'container:sb1', 'container:sb1', 'container:sb1'],
  );
  assert.equal(hc.CgroupParent, '/kubepods/pod-u1');
  assert.deepEqual(hc.Binds, ['/srv/data:/data:ro,rshared']);
  assert.deepEqual(hc.LogConfig, { Type: 'k8s-file', Config: { path: '/var/log/pods/ns_web_u1/app/2.log' } });
  assert.deepEqual([request.Entrypoint, request.Cmd, request.Hostname], [['sh'], ['-c', 'true'], 'web-0']);
  // The CRI's default seccomp is unconfined.
  assert.deepEqual(hc.SecurityOpt, ['seccomp=unconfined']);
});

test('args alone keep the image entrypoint; PID modes CONTAINER and NODE; RunAsGroup alone refused', () => {
  const base = { metadata: { name: 'c' }, image: { image: 'busybox' } };
  const argsOnly = containerCreateRequest(create(ContainerConfigSchema, { ...base, args: ['x'] }), sandbox, noProfile);
  assert.equal(argsOnly.request.Entrypoint, undefined);
  assert.deepEqual(argsOnly.request.Cmd, ['x']);
  const pid = (mode: NamespaceMode): string | undefined =>
    containerCreateRequest(
      create(ContainerConfigSchema, { ...base, linux: { securityContext: { namespaceOptions: { pid: mode } } } }),
      sandbox,
      noProfile,
    ).request.HostConfig?.PidMode;
  assert.equal(pid(NamespaceMode.CONTAINER), undefined);
  assert.equal(pid(NamespaceMode.NODE), 'host');
  assert.throws(
    () =>
      containerCreateRequest(
        create(ContainerConfigSchema, { ...base, linux: { securityContext: { runAsGroup: { value: 5n } } } }),
        sandbox,
        noProfile,
      ),
    /RunAsGroup is set without RunAsUser/,
  );
  assert.throws(
    () =>
      containerCreateRequest(
        create(ContainerConfigSchema, { ...base, linux: { securityContext: { selinuxOptions: { type: 'spc_t' } } } }),
        sandbox,
        noProfile,
      ),
    /SELinux options are not supported by berth/,
  );
});

test('seccomp: RuntimeDefault is berth default, Localhost reads the file, privileged has none, bad paths refused', () => {
  assert.deepEqual(
    seccompOption({ seccomp: { profileType: SecurityProfile_ProfileType.RuntimeDefault } } as never, noProfile),
    [],
  );
  assert.deepEqual(
    seccompOption(
      { seccomp: { profileType: SecurityProfile_ProfileType.Localhost, localhostRef: '/p.json' } } as never,
      (p) => `{"from":"${p}"}`,
    ),
    ['seccomp={"from":"/p.json"}'],
  );
  assert.deepEqual(seccompOption({ privileged: true, seccompProfilePath: 'unconfined' } as never, noProfile), []);
  assert.deepEqual(seccompOption({ seccompProfilePath: 'docker/default' } as never, noProfile), []);
  assert.throws(
    () => seccompOption({ seccompProfilePath: 'my-profile' } as never, noProfile),
    /not "runtime\/default"/,
  );
});

test("dockershim's labels on a pod's container, hidden from the CRI's answers; the CRI's own kept", () => {
  const config = create(ContainerConfigSchema, {
    metadata: { name: 'app', attempt: 0 },
    image: { image: 'busybox' },
    logPath: 'app/0.log',
    labels: { tier: 'web', 'io.kubernetes.pod.name': 'web' },
  });
  const labels = containerCreateRequest(config, sandbox, noProfile).request.Labels ?? {};
  assert.deepEqual(Object.fromEntries(Object.entries(labels).filter(([k]) => k.startsWith('io.kubernetes.'))), {
    'io.kubernetes.pod.name': 'web',
    'io.kubernetes.pod.namespace': 'ns',
    'io.kubernetes.pod.uid': 'u1',
    'io.kubernetes.container.name': 'app',
    'io.kubernetes.docker.type': 'container',
    'io.kubernetes.sandbox.id': 'sb1',
    'io.kubernetes.container.logpath': '/var/log/pods/ns_web_u1/app/0.log',
  });
  assert.deepEqual(criLabels(labels), { tier: 'web', 'io.kubernetes.pod.name': 'web' });
});
