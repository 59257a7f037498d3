// What a request needs (distribution's resource scopes: `repository:<name>:pull,push`, `registry:catalog:*`)
// and what a credential grants.
import type { RegistryRoute } from '../router.js';

export interface Access {
  type: string;
  name: string;
  actions: string[];
}

export const scopeString = (a: Access): string => `${a.type}:${a.name}:${a.actions.join(',')}`;

/** `repository:samalba/my-app:pull,push` -> Access; the name may not hold ':' but registry-type names might. */
export function parseScope(scope: string): Access | undefined {
  const first = scope.indexOf(':');
  const last = scope.lastIndexOf(':');
  if (first <= 0 || last === first) return undefined;
  return {
    type: scope.slice(0, first),
    name: scope.slice(first + 1, last),
    actions: scope
      .slice(last + 1)
      .split(',')
      .filter(Boolean),
  };
}

/** The access an endpoint needs; [] = any authenticated caller (GET /v2/). */
export function accessFor(route: RegistryRoute, method: string): Access[] {
  const repo = (actions: string[]): Access[] => [
    { type: 'repository', name: (route as { name: string }).name, actions },
  ];
  switch (route.kind) {
    case 'base':
      return [];
    case 'catalog':
      return [{ type: 'registry', name: 'catalog', actions: ['*'] }];
    case 'tags':
    case 'referrers':
      return repo(['pull']);
    case 'manifest':
    case 'blob':
      if (method === 'DELETE') return repo(['delete']);
      return method === 'GET' || method === 'HEAD' ? repo(['pull']) : repo(['pull', 'push']);
    case 'uploads':
    case 'upload':
      return repo(['pull', 'push']);
  }
}

/** What one credential may do. */
export interface Grant {
  allows(type: string, name: string, action: string): boolean;
}

export const ALLOW_ALL: Grant = { allows: () => true };

export const grantFromClaims = (access: Access[]): Grant => ({
  allows: (type, name, action) =>
    access.some((a) => a.type === type && a.name === name && (a.actions.includes(action) || a.actions.includes('*'))),
});

export const covers = (grant: Grant, needed: Access[]): boolean =>
  needed.every((a) => a.actions.every((act) => grant.allows(a.type, a.name, act)));
