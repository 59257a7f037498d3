// Docker's /events filters: container, event, image, label, type, network, volume, daemon, scope.
import type { EngineEvent } from '../../core/events/event.js';
import { matchKVList } from '../../core/filters/filter-args.js';

export type EventFilters = Map<string, string[]>;

const matchesAny = (values: string[] | undefined, candidates: (string | undefined)[]): boolean =>
  values === undefined || values.length === 0 || values.some((v) => candidates.includes(v));

/** Docker's FuzzyMatch: a value equal to, or a prefix of, the actor's ID or name (short IDs work). */
const fuzzyMatchesAny = (values: string[], candidates: (string | undefined)[]): boolean =>
  values.some((v) => candidates.some((c) => c !== undefined && c.startsWith(v)));

/** Does an event pass the filters? Terms are ANDed, values within a term ORed, as Docker does. */
export function eventMatches(event: EngineEvent, filters: EventFilters): boolean {
  const { id, attributes } = event.actor;
  const action = event.action.split(':')[0] ?? event.action;
  const byType = (type: string, values: string[] | undefined): boolean =>
    values === undefined ||
    values.length === 0 ||
    (event.type === type && fuzzyMatchesAny(values, [id, attributes.name]));
  return (
    matchesAny(filters.get('type'), [event.type]) &&
    matchesAny(filters.get('event'), [action, event.action]) &&
    byType('container', filters.get('container')) &&
    byType('network', filters.get('network')) &&
    byType('volume', filters.get('volume')) &&
    (filters.get('image') === undefined ||
      matchesAny(filters.get('image'), [
        attributes.image,
        event.type === 'image' ? id : undefined,
        event.type === 'image' ? attributes.name : undefined,
      ])) &&
    matchesAny(filters.get('scope'), ['local']) &&
    matchKVList(filters, 'label', attributes)
  );
}
