// Container names: Docker's rules, and generated names (adjective_noun) for containers created without one.
import { invalidArgument } from '../errdefs.js';

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

/** A random name; after a few collisions a digit is appended, as Docker does. */
export function generateContainerName(taken: (name: string) => boolean, random: () => number = Math.random): string {
  for (let attempt = 0; attempt < 10; attempt++) {
    const name = `${pick(ADJECTIVES, random)}_${pick(NOUNS, random)}`;
    const candidate = attempt < 3 ? name : `${name}${Math.floor(random() * 10)}`;
    if (!taken(candidate)) return candidate;
  }
  return `${pick(ADJECTIVES, random)}_${pick(NOUNS, random)}_${Math.floor(random() * 1e6)}`;
}
