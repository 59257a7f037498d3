// Object IDs: 64 lowercase hex characters, shown truncated to 12 as Docker does.
import { randomBytes } from 'node:crypto';

export const ID_LENGTH = 64;
export const SHORT_ID_LENGTH = 12;

export const generateId = (): string => randomBytes(32).toString('hex');

export const shortId = (id: string): string => stripAlgorithm(id).slice(0, SHORT_ID_LENGTH);

export const isFullId = (s: string): boolean => /^[0-9a-f]{64}$/.test(s);

/** True when s could be a (possibly truncated) hex ID, as Docker's prefix lookup allows. */
export const isIdPrefix = (s: string): boolean => /^[0-9a-f]{1,64}$/.test(s);

export const stripAlgorithm = (s: string): string => (s.startsWith('sha256:') ? s.slice('sha256:'.length) : s);
