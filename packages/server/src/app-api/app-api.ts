/**
 * The web app's API: the routes under `/api` that `@gpt4all/web` (the GUI `gpt4all serve` serves
 * at `/`) uses beside the OpenAI-compatible `/v1` routes. JSON in and out; errors in the same
 * OpenAI error shape as `/v1` (`{ error: { message, type, param, code } }`). The same rules as
 * `/v1` apply: loopback Host only when bound to loopback, and `Authorization: Bearer <key>` when
 * the server has an API key.
 *
 * Routes:
 * - `GET /api/info` → {@link AppInfo}
 * - `GET /api/models` → `{ models: AppModel[] }`: the served models and every model installed in
 *   the model directory (any of them can be named in `/v1/chat/completions`; it is loaded then).
 * - `POST /api/models/load` with {@link LoadModelRequest} → 200 {@link AppModel} once loaded
 *   (reloads it when `contextSize` differs from the loaded one); progress goes to `/api/events`.
 * - `DELETE /api/models/:filename` → 204: unloads the model and deletes its file(s) (`removeModel`).
 * - `GET /api/catalog` → `{ entries: AppCatalogEntry[] }` (the server's catalog: `GPT4ALL_CATALOG_URL` or GPT4All's).
 * - `GET /api/downloads` → `{ downloads: DownloadState[] }`
 * - `POST /api/downloads` with {@link StartDownloadRequest} → 202 {@link DownloadState}: starts
 *   (or resumes, from the bytes already on disk) the download of a catalog entry.
 * - `DELETE /api/downloads/:filename` → 200 {@link DownloadState} (`state: 'cancelled'`; the
 *   partial file is kept, so a later `POST` resumes it).
 * - `GET /api/events` → `text/event-stream` of {@link AppEvent}s (`event: <type>`, `data: <json>`),
 *   with a `: keep-alive` comment every 15 s.
 *
 * `/v1/chat/completions` extensions used by the app: `chat_template` (a Jinja chat template used
 * instead of the model's for this request), and in a stream the last chunk carries `timings`
 * ({@link CompletionTimings}).
 */

/** `GET /api/info`. */
export interface AppInfo {
  /** The server package's version. */
  version: string;
  /** The model directory (where downloads go). */
  modelsDir: string;
  /** True when `/api` and `/v1` need `Authorization: Bearer <key>`. */
  apiKeyRequired: boolean;
  /** The sampling and load defaults a new conversation starts from. */
  defaults: GenerationDefaults;
}

/** GPT4All's defaults, as the engine defines them (`DEFAULTS` of `@gpt4all/chat`). */
export interface GenerationDefaults {
  temperature: number;
  topP: number;
  topK: number;
  minP: number;
  repeatPenalty: number;
  /** Tokens a reply may have. */
  maxTokens: number;
  /** Tokens of the model's context. */
  contextSize: number;
}

/** Where a model stands in the server. */
export type AppModelState = 'unloaded' | 'loading' | 'loaded' | 'failed';

/** A model the app can chat with. */
export interface AppModel {
  /** The name to send as `model` in `/v1/chat/completions`. */
  id: string;
  /** Its file name in the model directory, or null for a model served from elsewhere. */
  filename: string | null;
  /** Size of its file(s), bytes. */
  sizeBytes: number;
  /** GGUF `general.architecture` (`llama`, `qwen2`, ...), null when unreadable. */
  architecture: string | null;
  /** The catalog's display name, when it is a catalog entry. */
  catalogName: string | null;
  state: AppModelState;
  /** Why the last load failed (`state: 'failed'`). */
  loadError: string | null;
  /** Tokens of each sequence's context while loaded, else null. */
  contextSize: number | null;
  /** The context length it was trained with, when known. */
  trainedContextSize: number | null;
  /** Its own chat template (GGUF `tokenizer.chat_template`, or the catalog's), when known (loaded models). */
  chatTemplate: string | null;
  /** BOS and EOS token texts that templates use, when loaded. */
  bosToken: string | null;
  eosToken: string | null;
}

/** `POST /api/models/load`. */
export interface LoadModelRequest {
  /** An {@link AppModel.id}. */
  id: string;
  /** Tokens of context to load it with. Default: the server's. */
  contextSize?: number;
}

/** A model of the catalog. */
export interface AppCatalogEntry {
  name: string;
  filename: string;
  /** Bytes to download, when the catalog says. */
  sizeBytes: number | null;
  /** RAM the catalog says it needs, GiB. */
  ramRequiredGiB: number | null;
  /** Parameters, as the catalog writes them (`"8 billion"`). */
  parameters: string | null;
  /** Quantization type as the catalog writes it (`q4_0`). */
  quantization: string | null;
  /** The catalog's description (HTML from GPT4All's catalog: show as text). */
  description: string | null;
  installed: boolean;
  /**
   * Bytes of an unfinished download on disk (a `.part` file left by a cancel, a failure or a
   * restart of the server), 0 when none: `POST /api/downloads` resumes from them when it can.
   */
  partialBytes: number;
}

/** `POST /api/downloads`. */
export interface StartDownloadRequest {
  /** The catalog entry's `filename`. */
  filename: string;
}

/** A download the server runs (or ran, since it started). */
export interface DownloadState {
  filename: string;
  /** The catalog name. */
  name: string;
  state: 'downloading' | 'verifying' | 'done' | 'cancelled' | 'failed';
  /** Bytes on disk so far (resumed bytes included). */
  receivedBytes: number;
  /** Size of the file, when known. */
  totalBytes: number | null;
  /** Current speed, bytes/s. */
  bytesPerSecond: number;
  /** Why it failed (`state: 'failed'`). */
  error: string | null;
}

/** Events of `GET /api/events`. */
export type AppEvent =
  | { type: 'download'; download: DownloadState }
  | { type: 'model-load'; id: string; state: AppModelState; /** 0 to 1 */ progress: number; error: string | null }
  | { type: 'models-changed' };

/** `timings` of the last chunk of a streamed chat completion (as llama-server names them). */
export interface CompletionTimings {
  prompt_n: number;
  prompt_ms: number;
  predicted_n: number;
  predicted_ms: number;
  /** Tokens/s of the reply. */
  predicted_per_second: number;
  /** Tokens of the prompt taken from the KV cache. */
  cache_n: number;
}
