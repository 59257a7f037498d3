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

/** The services among `services` that `name` depends on. */
const dependenciesOf = (services: Record<string, ServiceConfig>, name: string): string[] =>
  Object.keys(services[name]?.dependsOn ?? {}).filter((dep) => services[dep] !== undefined);

/** Settles every task, then throws the first failure in `order` (a dependency's before its dependents'). */
async function settle<T>(order: string[], tasks: Map<string, Promise<T>>): Promise<Map<string, T>> {
  const results = await Promise.allSettled(order.map((name) => tasks.get(name) as Promise<T>));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return new Map(order.map((name, i) => [name, (results[i] as PromiseFulfilledResult<T>).value]));
}

/**
 * Runs `task` for every service, each once the tasks of the services it depends on have finished, the others at the
 * same time (as Compose v2 does: ten independent services come up together, not one after another). When one fails,
 * its dependents do not run; the rest finish, then the first failure is thrown.
 */
export async function eachInDependencyOrder<T>(
  services: Record<string, ServiceConfig>,
  task: (name: string) => Promise<T>,
): Promise<Map<string, T>> {
  const order = dependencyOrder(services);
  const tasks = new Map<string, Promise<T>>();
  for (const name of order) {
    const deps = dependenciesOf(services, name).map((dep) => tasks.get(dep));
    tasks.set(
      name,
      Promise.all(deps).then(() => task(name)),
    );
  }
  return settle(order, tasks);
}

/** The same in reverse: each service once the services that depend on it are done (stop and remove). */
export async function eachInReverseDependencyOrder<T>(
  services: Record<string, ServiceConfig>,
  task: (name: string) => Promise<T>,
): Promise<Map<string, T>> {
  const order = dependencyOrder(services).reverse();
  const tasks = new Map<string, Promise<T>>();
  for (const name of order) {
    const dependents = order.filter((other) => dependenciesOf(services, other).includes(name));
    tasks.set(
      name,
      Promise.all(dependents.map((d) => tasks.get(d))).then(() => task(name)),
    );
  }
  return settle(order, tasks);
}
