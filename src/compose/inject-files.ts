// Writing a service's environment-sourced secrets and configs into its container before the start: one tar put at
// `/` through the Engine API's archive endpoint (as Docker Compose v2 does on an engine without a swarm).
import { Readable } from 'node:stream';
import tar from 'tar-stream';
import type { EngineClient } from '../client/engine-client.js';
import type { InjectedFile } from './file-objects.js';

export async function injectFiles(client: EngineClient, container: string, files: InjectedFile[]): Promise<void> {
  if (files.length === 0) return;
  const pack = tar.pack();
  for (const f of files)
    pack.entry(
      { name: f.path.replace(/^\/+/, ''), mode: f.mode, uid: f.uid, gid: f.gid, mtime: new Date() },
      Buffer.from(f.content, 'utf8'),
    );
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack) chunks.push(chunk as Buffer);
  await client.containers.putArchive(
    container,
    { path: '/', copyUIDGID: 'true' },
    Readable.from([Buffer.concat(chunks)]),
  );
}
