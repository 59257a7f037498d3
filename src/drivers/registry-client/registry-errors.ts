// Registry error bodies (`{"errors":[{"code","message","detail"}]}`) turned into EngineErrors, worded as
// the distribution client words them ("manifest unknown: manifest unknown").
import {
  forbidden,
  invalidArgument,
  notFound,
  unauthorized,
  unavailable,
  type EngineError,
} from '../../core/errdefs.js';

interface RegistryErrorBody {
  errors?: { code?: string; message?: string; detail?: unknown }[];
}

/** "code message: message" as errcode.Error prints, joined as errcode.Errors does. */
export function registryErrorText(status: number, body: string): string {
  try {
    const parsed = JSON.parse(body) as RegistryErrorBody;
    const errors = parsed.errors ?? [];
    if (errors.length > 0) {
      const texts = errors.map((e) => `${(e.code ?? 'unknown').toLowerCase().replace(/_/g, ' ')}: ${e.message ?? ''}`);
      return texts.length === 1 ? (texts[0] as string) : `errors:\n${texts.join('\n')}\n`;
    }
  } catch {
    /* not JSON */
  }
  return `unexpected status code ${status}: ${body.trim().slice(0, 200) || statusText(status)}`;
}

export const statusText = (status: number): string =>
  ({
    400: 'Bad Request',
    401: 'Unauthorized',
    403: 'Forbidden',
    404: 'Not Found',
    405: 'Method Not Allowed',
    416: 'Requested Range Not Satisfiable',
    429: 'Too Many Requests',
    500: 'Internal Server Error',
    502: 'Bad Gateway',
    503: 'Service Unavailable',
  })[status] ?? '';

export function registryError(status: number, body: string, context?: string): EngineError {
  const text = registryErrorText(status, body);
  const message = context ? `${context}: ${text}` : text;
  if (status === 404) return notFound(message);
  if (status === 401) return unauthorized(message);
  if (status === 403) return forbidden(message);
  if (status === 400) return invalidArgument(message);
  return unavailable(message);
}

/** Status codes worth another attempt after a pause. */
export const isRetryableStatus = (status: number): boolean => status === 408 || status === 429 || status >= 500;
