// Timestamps as Docker prints them (parsing goes through core/filters' timeFilterNano, the one time parser).
export { formatTimeNano, ZERO_TIME } from '../../lib/time.js';
