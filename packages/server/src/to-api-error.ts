import { ContextOverflowError, Gpt4AllError } from '@gpt4all/chat';
import { ApiError } from './api-error.js';
import { RequestAbortedError } from './request-signal.js';

/** One error of fastify's JSON-schema validation (ajv's shape). */
interface ValidationIssue {
  instancePath?: string;
  keyword?: string;
  params?: Record<string, unknown>;
  message?: string;
}

// @gpt4all codes that say the request cannot be served as asked (400): its schema, tools,
// template or values. Engine failures keep their own code, with status 500.
const BAD_REQUEST_CODES = new Set([
  'ERR_INVALID_ARGUMENT',
  'ERR_SCHEMA_INVALID',
  'ERR_SCHEMA_UNSUPPORTED',
  'ERR_GRAMMAR_INVALID',
  'ERR_INVALID_STATE',
  'ERR_NO_CHAT_TEMPLATE',
  'ERR_EMBEDDING_PREFIX_REQUIRED',
  'ERR_TEMPLATE_RAISED',
  'ERR_TEMPLATE_LIMIT',
  // A forced call is grammar-constrained: it fails only when max_tokens cuts it short.
  'ERR_TOOL_CALL_INVALID',
  // A model file name that is not a plain file name of the model directory (`../x`).
  'ERR_UNSAFE_FILENAME',
]);

// @gpt4all codes of a service the server depends on failing (the model catalog's host, an RPC worker), not the server.
const UPSTREAM_STATUS: Record<string, number> = { ERR_CATALOG_UNAVAILABLE: 503, ERR_CATALOG_INVALID: 502, ERR_RPC_UNAVAILABLE: 503 };

// Node's codes for a peer that closed the connection under a read or a write.
const CLIENT_GONE_CODES = new Set(['ERR_STREAM_PREMATURE_CLOSE', 'ECONNRESET', 'ECONNABORTED', 'EPIPE']);

/**
 * Maps anything a request can fail with to the {@link ApiError} it is answered with:
 * fastify's body errors (malformed JSON 400, body too large 413, wrong media type 415, schema
 * violations 400 naming the field), the engine's and the chat package's typed errors (a prompt
 * over the context is 400 `context_length_exceeded` with the token numbers; bad schemas, tools
 * and values 400 with their `ERR_…` code; a disposed model or a request stopped by the server's
 * closing 503), and anything else 500 with a
 * generic message so that no stack or internal detail leaks. With `log`, the cause of a 5xx
 * (its stack) is logged. A connection error (`ECONNRESET`, premature close) of a request whose
 * client is gone (`request.clientGone`) is 499 and not logged.
 */
export function toApiError(error: unknown, log?: (line: string) => void, request?: { clientGone: boolean }): ApiError {
  const apiError = mapError(error, request?.clientGone === true);
  // A 5xx is the server's fault: its cause goes to the log (never to the client).
  if (apiError.status >= 500 && log && apiError.code !== 'server_shutting_down') {
    const cause = apiError.cause ?? error;
    log(`error: ${apiError.code}: ${cause instanceof Error ? (cause.stack ?? cause.message) : String(cause)}`);
  }
  return apiError;
}

function mapError(error: unknown, clientGone: boolean): ApiError {
  if (ApiError.isInstance(error)) return error;
  const fastifyError = error as { code?: unknown; statusCode?: unknown; validation?: ValidationIssue[]; message?: unknown };
  if (Array.isArray(fastifyError?.validation)) return validationError(fastifyError.validation);
  switch (fastifyError?.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new ApiError('The request body is not valid JSON.', { status: 400, code: 'invalid_json' }, { cause: error });
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ApiError('The request body is larger than this server accepts (its bodyLimit).', { status: 413, code: 'request_too_large' }, { cause: error });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ApiError('Send the request body as JSON, with Content-Type: application/json.', { status: 415, code: 'unsupported_media_type' }, { cause: error });
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new ApiError('The Content-Length header does not match the body.', { status: 400, code: 'invalid_content_length' }, { cause: error });
  }
  // The request's client went away (a body cut off, its socket closed): nobody reads the answer,
  // and it is not the server's fault, so it is no 5xx and not logged; 499 as nginx names it.
  if (clientGone && typeof fastifyError?.code === 'string' && CLIENT_GONE_CODES.has(fastifyError.code)) {
    return new ApiError('The client closed the connection before the request was complete.', { status: 499, code: 'client_closed_request' }, { cause: error });
  }
  // Only a client still there reads it: the server closed before its request could finish.
  if (error instanceof RequestAbortedError || (Gpt4AllError.isInstance(error) && error.code === 'ERR_ABORTED')) {
    return new ApiError('The server is shutting down: the request was stopped before it was complete.', { status: 503, code: 'server_shutting_down' }, { cause: error });
  }
  if (ContextOverflowError.isInstance(error)) {
    const numbers =
      error.tokens !== undefined && error.contextSize !== undefined
        ? `This model's context holds ${error.contextSize} tokens, but the request needs ${error.tokens} (the prompt, and room for the reply: max_tokens, at most half the context). Shorten the prompt or lower max_tokens.`
        : `The request does not fit this model's context: ${error.message}`;
    return new ApiError(numbers, { status: 400, code: 'context_length_exceeded' }, { cause: error });
  }
  if (Gpt4AllError.isInstance(error)) {
    if (BAD_REQUEST_CODES.has(error.code)) return new ApiError(error.message, { status: 400, code: error.code }, { cause: error });
    const upstream = UPSTREAM_STATUS[error.code];
    if (upstream !== undefined) return new ApiError(error.message, { status: upstream, code: error.code }, { cause: error });
    if (error.code === 'ERR_DISPOSED') return new ApiError('The server is shutting down.', { status: 503, code: 'server_shutting_down' }, { cause: error });
    return new ApiError(error.message, { status: 500, code: error.code }, { cause: error });
  }
  const status = typeof fastifyError?.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500 ? fastifyError.statusCode : 500;
  if (status < 500 && typeof fastifyError.message === 'string') return new ApiError(fastifyError.message, { status, code: 'invalid_request' }, { cause: error });
  return new ApiError('The server had an error while processing the request.', { status: 500, code: 'internal_error' }, { cause: error });
}

/**
 * The issue that says most about what is wrong. A field with alternatives (`anyOf`: a string or
 * a list, or null) fails every branch; the deepest issue (a list's item) and then one that is not
 * about the type (a list too long) name the real problem, where the first would say "must be
 * string or null" of a list that is one item too long.
 */
function mostSpecific(issues: ValidationIssue[]): ValidationIssue {
  const candidates = issues.filter((i) => i.keyword !== 'anyOf' && i.keyword !== 'oneOf');
  if (candidates.length === 0) return issues[0] ?? {};
  const depth = (i: ValidationIssue) => (i.instancePath ?? '').split('/').length;
  const deepest = Math.max(...candidates.map(depth));
  const atDepth = candidates.filter((i) => depth(i) === deepest);
  return atDepth.find((i) => i.keyword !== 'type') ?? atDepth[0]!;
}

/** A schema violation: 400 whose `param` is the field, as OpenAI names it (`messages[0].role`). */
function validationError(issues: ValidationIssue[]): ApiError {
  const issue = mostSpecific(issues);
  const missing = issue.keyword === 'required' && typeof issue.params?.['missingProperty'] === 'string' ? issue.params['missingProperty'] : undefined;
  const path = [...(issue.instancePath ?? '').split('/').filter((s) => s !== ''), ...(missing === undefined ? [] : [missing])];
  const param = path.reduce((name, segment) => (/^\d+$/.test(segment) ? `${name}[${segment}]` : name === '' ? segment : `${name}.${segment}`), '');
  if (missing !== undefined) return new ApiError(`Missing required parameter: '${param}'.`, { status: 400, param, code: 'missing_required_parameter' });
  // A field that may take several types (`anyOf`) fails each branch: name every type it may have.
  const types = [...new Set(issues.filter((i) => i.keyword === 'type' && i.instancePath === issue.instancePath).map((i) => String(i.params?.['type'])))];
  const allowed = Array.isArray(issue.params?.['allowedValues']) ? `: ${(issue.params['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}` : '';
  const what = issue.keyword === 'type' ? `must be ${types.join(' or ')}` : `${issue.message ?? 'invalid value'}${allowed}`;
  return new ApiError(`Invalid '${param || 'body'}': ${what}.`, { status: 400, param: param || null, code: issue.keyword === 'type' ? 'invalid_type' : 'invalid_value' });
}
