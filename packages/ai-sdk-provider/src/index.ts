/**
 * @gpt4all/ai-sdk-provider: local GGUF models for the Vercel AI SDK (`generateText`,
 * `streamText`, structured output, tools, `embed`), run in this process by `@gpt4all/chat`.
 * @packageDocumentation
 */
export { createGpt4All } from './gpt4all-provider.js';
export type { Gpt4AllModelId, Gpt4AllProvider, Gpt4AllProviderSettings } from './gpt4all-provider.js';
export { Gpt4AllChatLanguageModel } from './chat-language-model.js';
export type { Gpt4AllChatSettings } from './chat-settings.js';
export type { Gpt4AllCallProviderOptions } from './call-options.js';
export { Gpt4AllEmbeddingModel } from './embedding-model.js';
export type { Gpt4AllEmbeddingSettings } from './embedding-model.js';
