// Container names: Docker's rules, and generated names (adjective_noun) for containers created without one.
import { internal, invalidArgument } from '../errdefs.js';

const VALID_NAME = /^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

/** Validates a requested name and returns it without the leading slash. */
export function normalizeContainerName(name: string): string {
  if (!VALID_NAME.test(name))
    throw invalidArgument(`Invalid container name (${name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
  return name.startsWith('/') ? name.slice(1) : name;
}

// berth's own word lists: adjectives and sea-going nouns, in keeping with the name.
const ADJECTIVES = [
  'agile',
  'amber',
  'bold',
  'brave',
  'bright',
  'calm',
  'clever',
  'cosy',
  'crisp',
  'daring',
  'deep',
  'eager',
  'early',
  'fair',
  'fast',
  'fond',
  'gentle',
  'glad',
  'golden',
  'grand',
  'happy',
  'hardy',
  'humble',
  'jolly',
  'keen',
  'kind',
  'lively',
  'loyal',
  'lucid',
  'merry',
  'mighty',
  'modest',
  'neat',
  'nimble',
  'noble',
  'patient',
  'proud',
  'quick',
  'quiet',
  'rapid',
  'ready',
  'serene',
  'sharp',
  'shiny',
  'silent',
  'sleek',
  'smooth',
  'snug',
  'solid',
  'steady',
  'stoic',
  'sturdy',
  'sunny',
  'swift',
  'tidy',
  'trusty',
  'vivid',
  'warm',
  'wise',
  'witty',
  'zesty',
];

const NOUNS = [
  'anchor',
  'atoll',
  'bay',
  'beacon',
  'berth',
  'bollard',
  'bow',
  'breaker',
  'buoy',
  'cabin',
  'canal',
  'cape',
  'cargo',
  'coral',
  'cove',
  'current',
  'delta',
  'dock',
  'dune',
  'estuary',
  'ferry',
  'fjord',
  'fleet',
  'gull',
  'harbor',
  'helm',
  'hull',
  'inlet',
  'island',
  'jetty',
  'keel',
  'kelp',
  'lagoon',
  'lantern',
  'lighthouse',
  'mast',
  'mooring',
  'narrows',
  'oar',
  'ocean',
  'pier',
  'pilot',
  'port',
  'quay',
  'reef',
  'rudder',
  'sail',
  'schooner',
  'shoal',
  'skiff',
  'sound',
  'starboard',
  'strait',
  'tide',
  'trawler',
  'voyage',
  'wake',
  'wharf',
  'yacht',
];

const pick = <T>(items: readonly T[], random: () => number): T => items[Math.floor(random() * items.length)] as T;
const randomName = (random: () => number): string => `${pick(ADJECTIVES, random)}_${pick(NOUNS, random)}`;

/** Attempts in Docker's order (moby's generateNewName): a random adjective_noun, five more with a random digit
 * appended, then the short id. */
const DOCKER_ATTEMPTS = 6;

/**
 * A name for a container created without one, never a taken one. As Docker: adjective_noun, then up to five
 * with a digit appended, then the container's short id. Beyond Docker (whose name reservation is atomic, so
 * its short id cannot be taken in practice): while that is taken too, random names with a larger number
 * appended (3,599 × a million of them), until one is free; a bound only guards against a broken random source.
 */
export function generateContainerName(
  taken: (name: string) => boolean,
  id: string,
  random: () => number = Math.random,
): string {
  for (let attempt = 0; attempt < DOCKER_ATTEMPTS; attempt++) {
    const candidate = attempt === 0 ? randomName(random) : `${randomName(random)}${Math.floor(random() * 10)}`;
    if (!taken(candidate)) return candidate;
  }
  const shortId = id.slice(0, 12);
  if (!taken(shortId)) return shortId;
  for (let attempt = 0; attempt < 10_000; attempt++) {
    const candidate = `${randomName(random)}${Math.floor(random() * 1_000_000)}`;
    if (!taken(candidate)) return candidate;
  }
  throw internal('no free container name found');
}
