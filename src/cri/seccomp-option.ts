// Seccomp of a CRI container or of a pod's sandbox as berth's SecurityOpt (pure): both security contexts carry the
// same fields (the profile, the deprecated profile path, privileged).
import { isAbsolute } from 'node:path';
import { invalidArgument } from '../core/errdefs.js';
import { SecurityProfile_ProfileType, type LinuxContainerSecurityContext, type SecurityProfile } from './proto.js';

/** The CRI's default (no profile) is unconfined; RuntimeDefault is Docker's profile, berth's default. */
export function seccompOption(
  sc: Pick<LinuxContainerSecurityContext, 'privileged' | 'seccomp' | 'seccompProfilePath'> | undefined,
  readProfile: (path: string) => string,
): string[] {
  if (sc?.privileged) return [];
  const profile: SecurityProfile | undefined = sc?.seccomp;
  if (profile) {
    switch (profile.profileType) {
      case SecurityProfile_ProfileType.RuntimeDefault:
        return [];
      case SecurityProfile_ProfileType.Unconfined:
        return ['seccomp=unconfined'];
      case SecurityProfile_ProfileType.Localhost:
        if (!isAbsolute(profile.localhostRef))
          throw invalidArgument(`seccomp profile ${profile.localhostRef}: must be an absolute path`);
        return [`seccomp=${readProfile(profile.localhostRef)}`];
    }
  }
  const path = sc?.seccompProfilePath ?? '';
  if (path === '' || path === 'unconfined') return ['seccomp=unconfined'];
  if (path === 'runtime/default' || path === 'docker/default') return [];
  if (path.startsWith('localhost/')) return [`seccomp=${readProfile(path.slice('localhost/'.length))}`];
  throw invalidArgument(`seccomp profile ${path}: not "runtime/default", "unconfined" or "localhost/<path>"`);
}
