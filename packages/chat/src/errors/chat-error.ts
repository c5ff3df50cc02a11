import { Gpt4AllError, brandError } from '@gpt4all/errors';

/** Stable codes of the errors this package adds to those of `@gpt4all/core` and `@gpt4all/download`. */
export type ChatErrorCode =
  /** No chat template could be found for the model, and none was given. */
  | 'ERR_NO_CHAT_TEMPLATE'
  /** An embedding model this package does not know needs an explicit `prefix` (`''` for none). */
  | 'ERR_EMBEDDING_PREFIX_REQUIRED'
  /** The operation does not fit the session's state (e.g. regenerating with no user message). */
  | 'ERR_INVALID_STATE'
  /** A saved session (`toJSON`) could not be read back. */
  | 'ERR_INVALID_SESSION'
  /** A forced tool call (`toolChoice: 'required'` or a named tool) could not be read or fails its tool's schema. */
  | 'ERR_TOOL_CALL_INVALID';

/**
 * An error of `@gpt4all/chat`, with a stable `code`. It is a `Gpt4AllError`, like the engine's and
 * the downloader's errors (`ERR_CONTEXT_OVERFLOW`, `ERR_MODEL_NOT_FOUND`, ...), which pass through
 * unchanged.
 */
export class ChatError extends Gpt4AllError<ChatErrorCode> {
  constructor(code: ChatErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'ChatError';
  }
}
brandError(ChatError, '@gpt4all/chat:ChatError');

/** An invalid option value, with the engine's own code so callers branch on one code. */
export function invalidArgument(message: string): Gpt4AllError {
  return new Gpt4AllError('ERR_INVALID_ARGUMENT', message);
}
