// Network routes: parse the request, call one service method, reply in Docker's shape.
import type { FastifyInstance } from 'fastify';
import { invalidArgument, notFound } from '../../core/errdefs.js';
import type { NetworkCreateRequest, NetworksApi } from '../../engine/networks/types.js';
import type { EndpointSettings } from '../../spec/docker/containers.js';
import { queryBool, queryFilters, type Query } from '../server/query.js';
import { toNetworkJson } from '../compat/network-json.js';
import { decodeBody } from '../server/json-body.js';
import { compareApiVersions } from '../server/api-version.js';
import { networkConnectSchema, networkCreateSchema, networkDisconnectSchema } from '../compat/request-bodies.js';

type IdParams = { Params: { id: string }; Querystring: Query };

export function networkRoutes(app: FastifyInstance, networks: NetworksApi): void {
  app.get<{ Querystring: Query }>('/networks', async (req) =>
    networks.list(queryFilters(req.query)).map((v) => toNetworkJson(v, false)),
  );

  app.get<IdParams>('/networks/:id', async (req) => toNetworkJson(networks.inspect(req.params.id), true));

  app.post<{ Body: unknown }>('/networks/create', async (req, reply) => {
    if (!req.body || typeof req.body !== 'object') throw invalidArgument('network create: empty request');
    const body = decodeBody(networkCreateSchema, req.body, 'CreateRequest') as NetworkCreateRequest;
    // CheckDuplicate is honoured before API 1.44 (false: a second network of the name); from 1.44 Docker ignores
    // it and always refuses a name in use.
    const checkDuplicate = compareApiVersions(req.apiVersion, '1.44') >= 0 || body.CheckDuplicate === true;
    const { id, warning } = await networks.create({ ...body, CheckDuplicate: checkDuplicate });
    return reply.code(201).send({ Id: id, Warning: warning });
  });

  app.delete<IdParams>('/networks/:id', async (req, reply) => {
    await networks.remove(req.params.id);
    return reply.code(204).send();
  });

  app.post<{ Querystring: Query }>('/networks/prune', async (req) => ({
    NetworksDeleted: await networks.prune(queryFilters(req.query)),
  }));

  app.post<IdParams & { Body: unknown }>('/networks/:id/connect', async (req, reply) => {
    const body = decodeBody(networkConnectSchema, req.body, 'ConnectOptions');
    if (!body?.Container) throw invalidArgument('container name or ID must not be empty');
    await networks.connect(req.params.id, body.Container, body.EndpointConfig as EndpointSettings | undefined);
    return reply.code(200).send();
  });

  // A legacy link goes with ?link=1; without it the path names no container (Docker's router reads "app/db" as one name).
  app.delete<{ Params: { id: string; alias: string }; Querystring: Query }>(
    '/containers/:id/:alias',
    async (req, reply) => {
      if (!queryBool(req.query, 'link')) throw notFound(`No such container: ${req.params.id}/${req.params.alias}`);
      await networks.removeLink(req.params.id, req.params.alias);
      return reply.code(204).send();
    },
  );

  app.post<IdParams & { Body: unknown }>('/networks/:id/disconnect', async (req, reply) => {
    const body = decodeBody(networkDisconnectSchema, req.body, 'DisconnectOptions');
    if (!body?.Container) throw invalidArgument('container name or ID must not be empty');
    await networks.disconnect(req.params.id, body.Container, body.Force ?? queryBool({}, 'force'));
    return reply.code(200).send();
  });
}
