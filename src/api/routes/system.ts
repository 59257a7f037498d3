// /_ping, /version, /info.
import type { FastifyInstance } from 'fastify';
import type { SystemService } from '../../engine/system/system-service.js';

export function systemRoutes(app: FastifyInstance, system: SystemService): void {
  const pingHeaders = {
    'Cache-Control': 'no-cache, no-store, must-revalidate',
    Pragma: 'no-cache',
    'Builder-Version': '1',
    Swarm: 'inactive',
  };

  app.get('/_ping', async (_req, reply) => reply.headers(pingHeaders).type('text/plain; charset=utf-8').send('OK'));
  app.head('/_ping', async (_req, reply) =>
    reply
      .headers({ ...pingHeaders, 'Content-Length': '0' })
      .type('text/plain; charset=utf-8')
      .send(),
  );
  app.get('/version', async () => system.version());
  app.get('/info', async () => system.info());
}
