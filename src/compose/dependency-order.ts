// The order services come up in: each after the services it depends on (and down in reverse). A cycle is refused.
import { ComposeError } from './errors.js';
import type { ServiceConfig } from './model.js';

export function dependencyOrder(services: Record<string, ServiceConfig>): string[] {
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, path: string[]): void => {
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting')
      throw new ComposeError(`dependency cycle detected: ${[...path, name].join(' -> ')}`);
    state.set(name, 'visiting');
    for (const dep of Object.keys(services[name]?.dependsOn ?? {})) if (services[dep]) visit(dep, [...path, name]);
    state.set(name, 'done');
    order.push(name);
  };
  for (const name of Object.keys(services).sort()) visit(name, []);
  return order;
}
