// The server's `/api` contract (packages/server/src/app-api/app-api.ts), re-exported in one place.
export type {
  AppCatalogEntry,
  AppEvent,
  AppInfo,
  AppModel,
  AppModelState,
  ChatCompletionRequest,
  CompletionTimings,
  DownloadState,
  GenerationDefaults,
  LoadModelRequest,
  StartDownloadRequest,
} from '@gpt4all/server';
