// The project name, by Compose's precedence: `-p`, then COMPOSE_PROJECT_NAME (the environment, then `.env`), then
// the top-level `name:`, then the project directory's name normalised. An explicit name must already be valid; the
// directory's is made so (lower case, only [a-z0-9_-], no leading `_`/`-`).
import { basename } from 'node:path';
import { ComposeError } from './errors.js';

const VALID = /^[a-z0-9][a-z0-9_-]*$/;

export function normaliseProjectName(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9_-]/g, '')
    .replace(/^[_-]+/, '');
}

function checked(name: string): string {
  if (!VALID.test(name))
    throw new ComposeError(
      `invalid project name "${name}": must consist only of lowercase alphanumeric characters, hyphens, and underscores as well as start with a letter or number`,
    );
  return name;
}

export interface NameSources {
  flag?: string;
  /** COMPOSE_PROJECT_NAME from the environment or `.env`. */
  env?: string;
  /** The top-level `name:` of the merged files (interpolated). */
  fileName?: string;
  workingDir: string;
}

export function projectName(s: NameSources): string {
  if (s.flag) return checked(s.flag);
  if (s.env) return checked(s.env);
  if (s.fileName) return checked(s.fileName);
  const fromDir = normaliseProjectName(basename(s.workingDir));
  if (!fromDir) throw new ComposeError(`project name can't be empty: use -p or name: to set one`);
  return fromDir;
}
