// Volume routes: create, list, inspect, remove, prune; parse, call the volume service, reply in Docker's shape.
import type { FastifyInstance } from 'fastify';
import { decodeBody } from '../server/json-body.js';
import { volumeCreateSchema } from '../compat/request-bodies.js';
import type { VolumeCreateRequest, VolumeService } from '../../engine/volumes/volume-service.js';
import { queryBool, queryFilters, type Query } from '../server/query.js';
import { compareApiVersions } from '../server/api-version.js';
import { toVolumeJson } from '../compat/volume-json.js';

type NameParams = { Params: { name: string }; Querystring: Query };

export function volumeRoutes(app: FastifyInstance, volumes: VolumeService): void {
  app.post<{ Body: unknown }>('/volumes/create', async (req, reply) => {
    const body = decodeBody(volumeCreateSchema, req.body, 'CreateOptions') as VolumeCreateRequest;
    const view = await volumes.create(body, {});
    return reply.code(201).send(toVolumeJson(view));
  });

  app.get<{ Querystring: Query }>('/volumes', async (req) => ({
    Volumes: volumes.list(queryFilters(req.query)).map(toVolumeJson),
    Warnings: null,
  }));

  app.get<NameParams>('/volumes/:name', async (req) => toVolumeJson(volumes.inspect(req.params.name)));

  app.delete<NameParams>('/volumes/:name', async (req, reply) => {
    await volumes.remove(req.params.name, { force: queryBool(req.query, 'force') });
    return reply.code(204).send();
  });

  app.post<{ Querystring: Query }>('/volumes/prune', async (req) => {
    const apiAtLeast142 = compareApiVersions(req.apiVersion, '1.42') >= 0;
    return volumes.prune(queryFilters(req.query), { apiAtLeast142 });
  });
}
