// berth's images as the CRI shows them: full names split into repo tags and repo digests (as containerd
// lists them: docker.io/library/busybox:latest, docker.io/library/busybox@sha256:…), the unpacked size
// `docker images` shows, and the config's user as a uid or a user name.
import type { MessageInitShape } from '@bufbuild/protobuf';
import { invalidArgument } from '../core/errdefs.js';
import type { ImageView } from '../engine/images/image-view.js';
import type { RegistryCredentials } from '../core/remotes/registry-client.js';
import type { AuthConfig, ImageSchema } from './proto.js';

export type CriImage = MessageInitShape<typeof ImageSchema>;

/** The config's `User` ("1002", "www-data", "1003:50000", "www-data:group"): a numeric user is a uid, else a name. */
export function imageUser(user: string | undefined): { uid?: bigint; username: string } {
  const name = (user ?? '').split(':')[0] ?? '';
  if (name === '') return { username: '' };
  return /^\d+$/.test(name) ? { uid: BigInt(name), username: '' } : { username: name };
}

export function toCriImage(view: ImageView): CriImage {
  const { uid, username } = imageUser(view.config.config?.User);
  return {
    id: view.record.id,
    repoTags: view.names.filter((n) => !n.includes('@')),
    repoDigests: view.names.filter((n) => n.includes('@')),
    size: BigInt(view.record.size),
    ...(uid !== undefined ? { uid: { value: uid } } : {}),
    username,
    pinned: false,
  };
}

/** The CRI's AuthConfig as registry credentials: user and password, or `auth` (base64 user:password), or tokens. */
export function credentialsOf(auth: AuthConfig | undefined): RegistryCredentials | undefined {
  if (!auth) return undefined;
  let { username, password } = auth;
  if (auth.auth) {
    const decoded = Buffer.from(auth.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0) throw invalidArgument('invalid auth: expected base64 of "username:password"');
    username = decoded.slice(0, colon);
    password = decoded.slice(colon + 1);
  }
  const credentials: RegistryCredentials = {
    ...(username ? { username } : {}),
    ...(password ? { password } : {}),
    ...(auth.identityToken ? { identityToken: auth.identityToken } : {}),
    ...(auth.registryToken ? { registryToken: auth.registryToken } : {}),
  };
  return Object.keys(credentials).length > 0 ? credentials : undefined;
}
