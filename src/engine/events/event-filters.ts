// Docker's /events filters: container, event, image, label, type, network, volume, daemon, scope.
import { invalidArgument } from '../../core/errdefs.js';
import type { EngineEvent } from '../../core/events/event.js';

export type EventFilters = Map<string, string[]>;

const KNOWN_TERMS = ['container', 'event', 'image', 'label', 'type', 'network', 'volume', 'daemon', 'scope', 'plugin', 'node', 'service', 'secret', 'config'];

export function checkEventFilters(filters: EventFilters): void {
  for (const term of filters.keys()) if (!KNOWN_TERMS.includes(term)) throw invalidArgument(`invalid filter '${term}'`);
}

const matchesAny = (values: string[] | undefined, candidates: (string | undefined)[]): boolean =>
  values === undefined || values.length === 0 || values.some((v) => candidates.includes(v));

function matchesLabels(wanted: string[] | undefined, attributes: Record<string, string>): boolean {
  if (!wanted || wanted.length === 0) return true;
  return wanted.every((label) => {
    const eq = label.indexOf('=');
    if (eq < 0) return label in attributes;
    return attributes[label.slice(0, eq)] === label.slice(eq + 1);
  });
}

/** Does an event pass the filters? Terms are ANDed, values within a term ORed, as Docker does. */
export function eventMatches(event: EngineEvent, filters: EventFilters): boolean {
  const { id, attributes } = event.actor;
  const action = event.action.split(':')[0] ?? event.action;
  const byType = (type: string, values: string[] | undefined): boolean =>
    values === undefined || values.length === 0 || (event.type === type && matchesAny(values, [id, attributes.name]));
  return (
    matchesAny(filters.get('type'), [event.type]) &&
    matchesAny(filters.get('event'), [action, event.action]) &&
    byType('container', filters.get('container')) &&
    byType('network', filters.get('network')) &&
    byType('volume', filters.get('volume')) &&
    (filters.get('image') === undefined ||
      matchesAny(filters.get('image'), [attributes.image, event.type === 'image' ? id : undefined, event.type === 'image' ? attributes.name : undefined])) &&
    matchesAny(filters.get('scope'), ['local']) &&
    matchesLabels(filters.get('label'), attributes)
  );
}
