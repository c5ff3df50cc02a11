/**
 * @gpt4all/chat: run local GGUF models from Node.js the GPT4All way — load by name, chat with
 * KV-cache reuse, raw completions and embeddings.
 * @packageDocumentation
 */
export { loadModel } from './load-model.js';
export type { LoadModelOptions } from './load-model.js';
export type { LocateModelOptions } from './locate-model.js';
export { Model } from './model.js';
export { ChatSession } from './chat-session.js';
export type { AbortedReplyPolicy, ChatReply, ChatSessionOptions, ChatUsage, SendOptions } from './session-options.js';
export type { ChatSessionJSON } from './session-json.js';
export type { ChatTemplate } from './chat-format.js';
export type { ReplyPart, TextStream } from './chat-stream.js';
export type { ChatTool, InvalidToolCall, ResponseFormat, ToolCall, ToolChoice, ToolResultMessage } from './chat-tools.js';
export { createOutputSplitter, detectToolCallFormat, parseAssistantOutput } from './tool-calls/index.js';
export type { OutputPart, ParsedAssistantOutput, ToolCallFormat, ToolCallFormatId } from './tool-calls/index.js';
export type { ContextOverflowPolicy } from './overflow-policy.js';
export { GPT4ALL_DEFAULTS } from './sampling-defaults.js';
export { DEFAULTS } from '@gpt4all/core';
export type { SamplingOptions } from './sampling-defaults.js';
export type { CompleteOptions, Completion } from './complete.js';
export type { EmbedOptions } from './embed.js';
export { createCompletion } from './create-completion.js';
export { streamCompletion } from './stream-completion.js';
export type { ChatCompletion, CompletionToolCall, CreateCompletionOptions } from './create-completion.js';
export { ChatError } from './errors/chat-error.js';
export type { ChatErrorCode } from './errors/chat-error.js';
export { BackendError, ContextOverflowError, Gpt4AllError, GrammarError, ModelLoadError, SchemaError, jsonSchemaToGrammar } from '@gpt4all/core';
export type { Grammar, JsonSchema } from '@gpt4all/core';
export { TemplateError, TemplateLimitError, TemplateRenderError, TemplateSyntaxError } from '@gpt4all/templates';
export type { FinishReason, GenerationTimings, ModelInfo } from '@gpt4all/core';
export type { ChatMessage } from './chat-message.js';
export type { Prompt } from './prompt-tokens.js';
export type { LegacyTemplate, TemplateSource } from '@gpt4all/templates';
export { AbortedError, DownloadError, ModelNotFoundError, HubAuthError, HubReferenceError, QuantNotFoundError, listModels, removeModel } from '@gpt4all/download';
export type { InstalledModel, ModelDirectoryOptions } from '@gpt4all/download';
export type { Catalog, CatalogEntry, DownloadProgress } from '@gpt4all/download';
