// What the client's session shares with a build beyond files: secrets (moby.buildkit.secrets.v1.Secrets
// GetSecret) and ssh agents (moby.sshforward.v1.SSH: CheckAgent, then one ForwardAgent stream per connection to
// the socket berthd serves, the agent named by the buildkit.ssh.id metadata), as BuildKit's daemon calls them.
import net from 'node:net';
import { rm } from 'node:fs/promises';
import { Code, ConnectError, createClient } from '@connectrpc/connect';
import { create } from '@bufbuild/protobuf';
import { Secrets } from '../gen/buildkit/github.com/moby/buildkit/session/secrets/secrets_pb.js';
import { Auth } from '../gen/buildkit/github.com/moby/buildkit/session/auth/auth_pb.js';
import {
  BytesMessageSchema,
  SSH,
  type BytesMessage,
} from '../gen/buildkit/github.com/moby/buildkit/session/sshforward/ssh_pb.js';
import type { BuildSession, Missing } from '../builder/ports.js';
import type { ClientSession } from './sessions.js';
import { PushQueue } from './push-queue.js';

const SSH_ID_KEY = 'buildkit.ssh.id';

export function sessionShares(session: ClientSession): BuildSession {
  return {
    async secret(id, { signal }) {
      try {
        const res = await createClient(Secrets, session.transport).getSecret({ ID: id }, { signal });
        return res.data;
      } catch (err) {
        const code = ConnectError.from(err).code;
        // BuildKit's secrets.GetSecret: a client without the secret (or without a secrets service) has none.
        if (code === Code.NotFound || code === Code.Unimplemented) return { missing: `secret ${id}: not found` };
        throw err;
      }
    },

    // Auth.Credentials, as BuildKit's resolver asks it for a base image's registry: a username and secret, or only
    // a secret (an identity token); nothing when the client has none or serves no Auth.
    async credentials(host, { signal }) {
      try {
        const res = await createClient(Auth, session.transport).credentials({ Host: host }, { signal });
        if (res.Username) return { username: res.Username, password: res.Secret };
        return res.Secret ? { identityToken: res.Secret } : undefined;
      } catch (err) {
        const code = ConnectError.from(err).code;
        if (code === Code.NotFound || code === Code.Unimplemented) return undefined;
        throw err;
      }
    },

    async sshAgent(id, socketPath, { signal }) {
      const ssh = createClient(SSH, session.transport);
      try {
        await ssh.checkAgent({ ID: id }, { signal });
      } catch (err) {
        const e = ConnectError.from(err);
        if (e.code === Code.Unimplemented) return { missing: `no SSH key "${id}" forwarded from the client` };
        return { missing: e.rawMessage } satisfies Missing;
      }
      const conns = new Set<net.Socket>();
      const server = net.createServer((conn) => forward(conn));
      const forward = (conn: net.Socket): void => {
        conns.add(conn);
        const requests = new PushQueue<BytesMessage>();
        const aborter = new AbortController();
        conn.on('data', (data: Buffer) => requests.push(create(BytesMessageSchema, { data })));
        conn.on('end', () => requests.end());
        conn.on('error', () => aborter.abort());
        conn.on('close', () => {
          conns.delete(conn);
          requests.end();
          aborter.abort();
        });
        void (async () => {
          try {
            for await (const m of ssh.forwardAgent(requests, { headers: { [SSH_ID_KEY]: id }, signal: aborter.signal }))
              if (!conn.write(m.data)) await new Promise((r) => conn.once('drain', r));
            conn.end();
          } catch {
            conn.destroy();
          }
        })();
      };
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(socketPath, () => resolve());
      });
      return {
        close: async () => {
          for (const c of conns) c.destroy();
          await new Promise<void>((resolve) => server.close(() => resolve()));
          await rm(socketPath, { force: true });
        },
      };
    },
  };
}
