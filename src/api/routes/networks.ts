// Network routes: parse the request, call one service method, reply in Docker's shape.
import type { FastifyInstance } from 'fastify';
import { invalidArgument } from '../../core/errdefs.js';
import type { NetworkCreateRequest, NetworksApi } from '../../engine/networks/types.js';
import type { EndpointSettings } from '../../spec/docker/containers.js';
import { queryBool, queryFilters, type Query } from '../server/query.js';
import { toNetworkJson } from '../compat/network-json.js';

type IdParams = { Params: { id: string }; Querystring: Query };

export function networkRoutes(app: FastifyInstance, networks: NetworksApi): void {
  app.get<{ Querystring: Query }>('/networks', async (req) => networks.list(queryFilters(req.query)).map((v) => toNetworkJson(v, false)));

  app.get<IdParams>('/networks/:id', async (req) => toNetworkJson(networks.inspect(req.params.id), true));

  app.post<{ Body: NetworkCreateRequest | undefined }>('/networks/create', async (req, reply) => {
    if (!req.body || typeof req.body !== 'object') throw invalidArgument('network create: empty request');
    const { id, warning } = await networks.create(req.body);
    return reply.code(201).send({ Id: id, Warning: warning });
  });

  app.delete<IdParams>('/networks/:id', async (req, reply) => {
    await networks.remove(req.params.id);
    return reply.code(204).send();
  });

  app.post<{ Querystring: Query }>('/networks/prune', async (req) => ({ NetworksDeleted: await networks.prune(queryFilters(req.query)) }));

  app.post<IdParams & { Body: { Container?: string; EndpointConfig?: EndpointSettings } | undefined }>('/networks/:id/connect', async (req, reply) => {
    if (!req.body?.Container) throw invalidArgument('container name or ID must not be empty');
    await networks.connect(req.params.id, req.body.Container, req.body.EndpointConfig);
    return reply.code(200).send();
  });

  app.post<IdParams & { Body: { Container?: string; Force?: boolean } | undefined }>('/networks/:id/disconnect', async (req, reply) => {
    if (!req.body?.Container) throw invalidArgument('container name or ID must not be empty');
    await networks.disconnect(req.params.id, req.body.Container, req.body.Force ?? queryBool({}, 'force'));
    return reply.code(200).send();
  });
}
