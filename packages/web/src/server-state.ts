/** What the app knows of the server: info, models, catalog, downloads, loads; kept live by `/api/events`. */
import { signal } from '@preact/signals';
import { getJson, sendJson } from './api-client.js';
import type { AppCatalogEntry, AppEvent, AppInfo, AppModel, AppModelState, DownloadState } from './app-api-types.js';
import { showError } from './error-state.js';
import { byLabel } from './model-label.js';

export const info = signal<AppInfo | null>(null);
export const models = signal<AppModel[]>([]);
export const catalog = signal<AppCatalogEntry[] | null>(null);
export const catalogError = signal<string | null>(null);
/** Downloads by file name. */
export const downloads = signal<Record<string, DownloadState>>({});
/** Model loads in progress or failed, by model id. */
/** True once the first refresh has settled (so new conversations get the server's defaults). */
export const serverChecked = signal(false);
export const modelLoads = signal<Record<string, { state: AppModelState; progress: number; error: string | null }>>({});

export async function refreshInfo(): Promise<void> {
  info.value = await getJson<AppInfo>('api/info');
}

export async function refreshModels(): Promise<void> {
  models.value = (await getJson<{ models: AppModel[] }>('api/models')).models.sort(byLabel);
}

export async function refreshCatalog(): Promise<void> {
  try {
    catalog.value = (await getJson<{ entries: AppCatalogEntry[] }>('api/catalog')).entries;
    catalogError.value = null;
  } catch (error) {
    // Offline or no catalog: the installed models still work.
    catalogError.value = error instanceof Error ? error.message : String(error);
  }
}

export async function refreshDownloads(): Promise<void> {
  const list = (await getJson<{ downloads: DownloadState[] }>('api/downloads')).downloads;
  downloads.value = Object.fromEntries(list.map((d) => [d.filename, d]));
}

/** Everything at once: at start and after the event stream reconnects (events may have been missed). */
export async function refreshAll(): Promise<void> {
  await Promise.all([refreshInfo(), refreshModels(), refreshDownloads()]).catch(showError);
  serverChecked.value = true;
  await refreshCatalog();
}

/**
 * Download events seen, by file name: a POST's answer is older than an event that arrived while it
 * was on its way (a download that fails at once sends `failed` before the POST answers `downloading`).
 */
const downloadEventCounts = new Map<string, number>();

export function applyEvent(event: AppEvent): void {
  if (event.type === 'download') {
    const filename = event.download.filename;
    downloadEventCounts.set(filename, (downloadEventCounts.get(filename) ?? 0) + 1);
    const previous = downloads.value[event.download.filename];
    downloads.value = { ...downloads.value, [event.download.filename]: event.download };
    if (event.download.state === 'done' && previous?.state !== 'done') {
      void Promise.all([refreshModels(), refreshCatalog()]).catch(showError);
    }
  } else if (event.type === 'model-load') {
    modelLoads.value = { ...modelLoads.value, [event.id]: { state: event.state, progress: event.progress, error: event.error } };
    models.value = models.value.map((m) => (m.id === event.id ? { ...m, state: event.state, loadError: event.error } : m));
  } else if (event.type === 'models-changed') {
    // A removed model's finished download is forgotten by the server too.
    void Promise.all([refreshModels(), refreshCatalog(), refreshDownloads()]).catch(showError);
  }
}

/** Sends a download request; its answer is shown unless an event about that download came first. */
async function requestDownloadChange(method: 'POST' | 'DELETE', filename: string): Promise<void> {
  const eventsBefore = downloadEventCounts.get(filename) ?? 0;
  const state =
    method === 'POST'
      ? await sendJson<DownloadState>('POST', 'api/downloads', { filename })
      : await sendJson<DownloadState>('DELETE', `api/downloads/${encodeURIComponent(filename)}`);
  if (state && (downloadEventCounts.get(filename) ?? 0) === eventsBefore) downloads.value = { ...downloads.value, [filename]: state };
}

export const startDownload = (filename: string) => requestDownloadChange('POST', filename);
export const cancelDownload = (filename: string) => requestDownloadChange('DELETE', filename);

export async function removeModel(filename: string): Promise<void> {
  await sendJson('DELETE', `api/models/${encodeURIComponent(filename)}`);
  await Promise.all([refreshModels(), refreshCatalog(), refreshDownloads()]);
}

/** Loads a model with a context size (the server reloads it when the size differs). */
export async function loadModel(id: string, contextSize: number, signal?: AbortSignal): Promise<AppModel | null> {
  modelLoads.value = { ...modelLoads.value, [id]: { state: 'loading', progress: 0, error: null } };
  try {
    const model = await sendJson<AppModel>('POST', 'api/models/load', { id, contextSize }, signal);
    if (model) models.value = models.value.map((m) => (m.id === id ? model : m));
    return model;
  } finally {
    const { [id]: _done, ...rest } = modelLoads.value;
    modelLoads.value = rest;
  }
}
