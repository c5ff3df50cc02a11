import { Gpt4AllError, brandError } from '@gpt4all/errors';

/** OpenAI's error `type`s that this server answers with. */
export type ApiErrorType = 'invalid_request_error' | 'authentication_error' | 'rate_limit_error' | 'server_error';

/** The body of every error response, in OpenAI's shape. */
export interface ApiErrorBody {
  error: {
    message: string;
    type: ApiErrorType;
    /** The request field at fault, as OpenAI writes it (`messages[0].role`), or null. */
    param: string | null;
    /** A stable code: OpenAI's where it has one (`model_not_found`, `context_length_exceeded`), else the `ERR_…` code of the `@gpt4all` error. */
    code: string | null;
  };
}

/** The fields of an {@link ApiError} besides its message. */
export interface ApiErrorFields {
  /** HTTP status. */
  status: number;
  type?: ApiErrorType;
  param?: string | null;
  code: string;
  /** Response headers, such as `Retry-After`. */
  headers?: Record<string, string>;
}

/**
 * An error the server answers a request with: an HTTP status and an OpenAI-shaped body. Route
 * handlers throw it for what only HTTP knows (unknown model, queue full, unsupported field);
 * errors of the engine and the chat package are mapped to it by `toApiError`.
 */
export class ApiError extends Gpt4AllError<string> {
  readonly status: number;
  readonly type: ApiErrorType;
  readonly param: string | null;
  readonly headers: Record<string, string>;

  constructor(message: string, fields: ApiErrorFields, options?: { cause?: unknown }) {
    super(fields.code, message, options);
    this.name = 'ApiError';
    this.status = fields.status;
    this.type = fields.type ?? defaultType(fields.status);
    this.param = fields.param ?? null;
    this.headers = fields.headers ?? {};
  }

  /** The response body. */
  toBody(): ApiErrorBody {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}
brandError(ApiError, '@gpt4all/server:ApiError');

/** A 400 for a request field this server cannot honour (`n: 2`, `logprobs: true`). */
export function unsupportedParameter(param: string, message: string): ApiError {
  return new ApiError(message, { status: 400, param, code: 'unsupported_parameter' });
}

function defaultType(status: number): ApiErrorType {
  if (status === 401) return 'authentication_error';
  if (status === 429) return 'rate_limit_error';
  return status >= 500 ? 'server_error' : 'invalid_request_error';
}
