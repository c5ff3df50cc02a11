/**
 * @gpt4all/langchain: local GGUF models for LangChain.js — `ChatGpt4All` (streaming, tools,
 * structured output) and `Gpt4AllEmbeddings` — run in this process by `@gpt4all/chat`.
 * @packageDocumentation
 */
export { ChatGpt4All } from './chat-gpt4all.js';
export type { ChatGpt4AllCallOptions, ChatGpt4AllInput } from './chat-gpt4all.js';
export { Gpt4AllEmbeddings } from './embeddings.js';
export type { Gpt4AllEmbeddingsParams } from './embeddings.js';
export type { ModelSource } from './model-handle.js';
