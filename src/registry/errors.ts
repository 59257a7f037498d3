// The distribution spec's error codes and the HTTP status each is answered with (distribution's pairing).
// Bodies are `{"errors":[{"code","message","detail"}]}`.

export const ERROR_STATUS = {
  BLOB_UNKNOWN: 404,
  BLOB_UPLOAD_INVALID: 400,
  BLOB_UPLOAD_UNKNOWN: 404,
  DIGEST_INVALID: 400,
  MANIFEST_BLOB_UNKNOWN: 400,
  MANIFEST_INVALID: 400,
  MANIFEST_UNKNOWN: 404,
  NAME_INVALID: 400,
  NAME_UNKNOWN: 404,
  SIZE_INVALID: 400,
  TAG_INVALID: 400,
  UNAUTHORIZED: 401,
  DENIED: 403,
  UNSUPPORTED: 405,
  PAGINATION_NUMBER_INVALID: 400,
  RANGE_INVALID: 416,
} as const;

export type RegistryErrorCode = keyof typeof ERROR_STATUS;

export class RegistryError extends Error {
  readonly status: number;
  /** Extra response headers (WWW-Authenticate on 401, Content-Range on 416). */
  readonly headers: Record<string, string> = {};

  constructor(
    readonly code: RegistryErrorCode,
    message: string,
    readonly detail?: unknown,
    status?: number,
  ) {
    super(message);
    this.name = 'RegistryError';
    this.status = status ?? ERROR_STATUS[code];
  }

  body(): { errors: { code: string; message: string; detail?: unknown }[] } {
    return {
      errors: [
        {
          code: this.code === 'RANGE_INVALID' ? 'BLOB_UPLOAD_INVALID' : this.code,
          message: this.message,
          detail: this.detail ?? null,
        },
      ],
    };
  }
}

export const registryError = (
  code: RegistryErrorCode,
  message: string,
  detail?: unknown,
  status?: number,
): RegistryError => new RegistryError(code, message, detail, status);
