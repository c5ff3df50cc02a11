import type { ChatTemplate, ContextOverflowPolicy, SamplingOptions } from '@gpt4all/chat';

/**
 * Settings of one language model (`gpt4all(modelId, settings)`): the model's default sampling
 * (a call's own `temperature`, `topP`, ... win over these), its chat template, and what happens
 * to a prompt longer than the context.
 */
export interface Gpt4AllChatSettings extends SamplingOptions {
  /** A preset name, Jinja source or legacy `%1`/`%2` template; wins over the catalog's and the file's own. */
  template?: ChatTemplate;
  /**
   * A prompt longer than the model's context: `'error'` (default) rejects the call with
   * `ContextOverflowError`; `'drop-oldest'` leaves out the oldest messages (the system message stays).
   */
  contextOverflow?: ContextOverflowPolicy;
}
