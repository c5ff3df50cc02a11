/**
 * @gpt4all/server: an OpenAI-compatible HTTP server for local GGUF models, built on
 * `@gpt4all/chat` and fastify.
 * @packageDocumentation
 */
export { startServer } from './start-server.js';
export { createServer } from './create-server.js';
export type { ServerApp } from './create-server.js';
export { SERVER_DEFAULTS } from './serve-options.js';
export type { RunningServer, ServeOptions } from './serve-options.js';
export { ApiError } from './api-error.js';
export type { ApiErrorBody, ApiErrorType } from './api-error.js';
export type {
  AppInfo,
  GenerationDefaults,
  AppModelState,
  AppModel,
  LoadModelRequest,
  AppCatalogEntry,
  StartDownloadRequest,
  DownloadState,
  AppEvent,
  CompletionTimings,
} from './app-api/app-api.js';
export type { ChatCompletionRequest, RequestMessage, ContentPart } from './chat-completion-request.js';
export type { SamplingRequest } from './sampling-request.js';
