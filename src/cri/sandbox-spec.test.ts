import { test } from 'node:test';
import assert from 'node:assert/strict';
import { create } from '@bufbuild/protobuf';
import { sandboxCreateRequest } from './sandbox-spec.js';
import { PodSandboxConfigSchema, SecurityProfile_ProfileType } from './proto.js';

const noProfile = (_path: string): string => {
  throw new Error('no profile expected');
};

const securityOpts = (
  seccomp: Record<string, unknown> | undefined,
  readProfile = noProfile,
): string[] | null | undefined =>
  sandboxCreateRequest(
    create(PodSandboxConfigSchema, {
      metadata: { name: 'web', uid: 'u1', namespace: 'ns' },
      linux: { securityContext: seccomp ? { seccomp } : {} },
    }),
    'pause',
    readProfile,
  ).request.HostConfig?.SecurityOpt;

test("the sandbox's seccomp: unset and Unconfined are unconfined (the CRI's default), RuntimeDefault berth's, Localhost the file", () => {
  assert.deepEqual(securityOpts(undefined), ['seccomp=unconfined']);
  assert.deepEqual(securityOpts({ profileType: SecurityProfile_ProfileType.Unconfined }), ['seccomp=unconfined']);
  assert.deepEqual(securityOpts({ profileType: SecurityProfile_ProfileType.RuntimeDefault }), []);
  assert.deepEqual(
    securityOpts(
      { profileType: SecurityProfile_ProfileType.Localhost, localhostRef: '/p.json' },
      (p) => `{"f":"${p}"}`,
    ),
    ['seccomp={"f":"/p.json"}'],
  );
});
