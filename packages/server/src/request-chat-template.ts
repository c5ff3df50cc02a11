import { TemplateError, type Model } from '@gpt4all/chat';
import { jinjaRenderer, type ChatRenderer } from '@gpt4all/templates';
import { ApiError } from './api-error.js';

/**
 * A request's template renders on the server's one event loop: it gets at most a million steps
 * and 2 s (a real chat template of a long conversation takes thousands of steps and milliseconds).
 */
const REQUEST_TEMPLATE_LIMITS = { maxSteps: 1_000_000, timeoutMs: 2_000 };

/**
 * The renderer of a request's `chat_template` (a `/v1/chat/completions` extension): always Jinja,
 * whatever it looks like (`@gpt4all/chat` would read a bare word as a preset name and a `%1` text
 * as a legacy template), with the model's BOS and EOS texts and its end-of-turn tokens as stop
 * strings, as the model's own template has.
 * @throws {ApiError} 400 `ERR_TEMPLATE_SYNTAX` (param `chat_template`) for a template that does not parse.
 */
export function requestChatTemplate(source: string, model?: Model): ChatRenderer {
  try {
    if (!model) return jinjaRenderer(source, { limits: REQUEST_TEMPLATE_LIMITS });
    const { format, endOfTurn } = model.templateInfo();
    return jinjaRenderer(source, { bosToken: format.bosToken, eosToken: format.eosToken, extraStopStrings: endOfTurn, limits: REQUEST_TEMPLATE_LIMITS });
  } catch (error) {
    throw chatTemplateError(error);
  }
}

/** A template's error (it does not parse, it raises, it fails to render) as the 400 of `chat_template`; other errors as they are. */
export function chatTemplateError(error: unknown): unknown {
  if (!TemplateError.isInstance(error)) return error;
  return new ApiError(`Invalid chat_template: ${error.message}`, { status: 400, param: 'chat_template', code: error.code }, { cause: error });
}
