// Loopback HTTP for the workloads that serve from a container: a free port, one GET, waiting for a server.
import { createServer } from 'node:net';
import { get, type Agent } from 'node:http';

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  return port;
}

/** One GET on a new connection; resolves with the body's size. */
export function fetchBytes(url: string, agent: Agent | false = false): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = get(url, { agent }, (res) => {
      let bytes = 0;
      res
        .on('data', (d: Buffer) => (bytes += d.length))
        .on('end', () => resolve(bytes))
        .on('error', reject);
    });
    req.setTimeout(30_000, () => req.destroy(new Error(`timeout on ${url}`)));
    req.on('error', reject);
  });
}

export async function waitForHttp(url: string): Promise<void> {
  for (const until = Date.now() + 20_000; ;) {
    try {
      await fetchBytes(url);
      return;
    } catch (error) {
      if (Date.now() > until) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
