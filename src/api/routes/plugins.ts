// Plugin routes on an engine without plugins, as Docker's answers them when none is installed: the list is
// empty, a named plugin is not found, and installing one (pull, create, privileges, upgrade) is refused by name.
import type { FastifyInstance } from 'fastify';
import { invalidArgument, notFound, notImplemented } from '../../core/errdefs.js';
import { queryFilters, type Query } from '../server/query.js';
import { checkFilterKeys } from '../../core/filters/filter-args.js';

const pluginNotFound = (name: string): Error => notFound(`plugin ${JSON.stringify(name)} not found`);
const noInstall = async (): Promise<never> =>
  Promise.reject(notImplemented('berth does not support plugins: installing one is not available'));

export function pluginRoutes(app: FastifyInstance): void {
  app.get<{ Querystring: Query }>('/plugins', async (req) => {
    const filters = queryFilters(req.query);
    checkFilterKeys(filters, ['capability', 'enable']);
    for (const v of filters.get('enable') ?? [])
      if (v !== 'true' && v !== 'false') throw invalidArgument(`Invalid filter 'enable=${v}'`);
    return [];
  });
  app.get('/plugins/privileges', noInstall);
  app.post('/plugins/pull', noInstall);
  app.post('/plugins/create', noInstall);
  // Names may hold a tag ("foo:1.0") or a registry path ("reg/foo"): everything before the action.
  app.get<{ Params: { '*': string } }>('/plugins/*', async (req) => {
    const m = /^(.+)\/json$/.exec(req.params['*']);
    throw m ? pluginNotFound(m[1] ?? '') : notFound('page not found');
  });
  app.delete<{ Params: { '*': string } }>('/plugins/*', async (req) => Promise.reject(pluginNotFound(req.params['*'])));
  app.post<{ Params: { '*': string } }>('/plugins/*', async (req) => {
    const m = /^(.+)\/(enable|disable|upgrade|push|set)$/.exec(req.params['*']);
    throw m ? pluginNotFound(m[1] ?? '') : notFound('page not found');
  });
}
