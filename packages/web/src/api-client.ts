/**
 * Every request of the app goes through here: it adds the API key, asks the user for one when
 * the server answers 401 (and again when the key is wrong), and turns the server's OpenAI-shaped
 * errors into {@link ServerError}s with the server's message.
 */
import { computed, signal } from '@preact/signals';

const KEY_STORAGE = 'gpt4all.apiKey';

function storedKey(): string | null {
  try {
    return localStorage.getItem(KEY_STORAGE);
  } catch {
    return null; // storage disabled: the key lives for this page only
  }
}

export const apiKey = signal<string | null>(storedKey());

/** Set while the API key dialog is open; `wrongKey` when the key sent was refused. */
export const apiKeyRequest = signal<{ wrongKey: boolean } | null>(null);

/**
 * True once the user closed the key dialog without a key: requests refused with 401 then fail at
 * once instead of opening the dialog again (the events stream retries every few seconds), until
 * the user asks for the dialog ({@link requestApiKey}).
 */
export const apiKeyDeclined = signal(false);

/** The server wants a key the app does not have yet (the dialog is open, or was declined): nothing is listed until it is given. */
export const apiKeyMissing = computed(() => apiKeyDeclined.value || apiKeyRequest.value !== null);

let keyWaiters: { resolve: () => void; reject: (error: Error) => void }[] = [];

/** An error answer of the server, with its message. */
export class ServerError extends Error {
  constructor(
    message: string,
    /** The HTTP status; 0 when the server could not be reached at all. */
    readonly status: number,
    /** The error's `code` (`ERR_NO_CHAT_TEMPLATE`, `context_length_exceeded`, ...), when it has one. */
    readonly code: string | null = null,
  ) {
    super(message);
  }
}

const keyNeeded = () => new ServerError('This server needs an API key.', 401);

function askForKey(): Promise<void> {
  if (apiKeyDeclined.value) return Promise.reject(keyNeeded());
  apiKeyRequest.value = { wrongKey: apiKey.value !== null };
  return new Promise((resolve, reject) => keyWaiters.push({ resolve, reject }));
}

/** The dialog's answer: retries the requests that waited for a key. */
export function submitApiKey(key: string): void {
  apiKey.value = key;
  apiKeyDeclined.value = false;
  try {
    localStorage.setItem(KEY_STORAGE, key);
  } catch {
    // Kept in memory only.
  }
  apiKeyRequest.value = null;
  const waiters = keyWaiters;
  keyWaiters = [];
  for (const waiter of waiters) waiter.resolve();
}

/** The dialog was closed without a key: the requests that waited fail. */
export function cancelApiKey(): void {
  apiKeyRequest.value = null;
  apiKeyDeclined.value = true;
  const waiters = keyWaiters;
  keyWaiters = [];
  for (const waiter of waiters) waiter.reject(keyNeeded());
}

/** Opens the key dialog again after it was declined (the notice's "Enter API key"). */
export function requestApiKey(): void {
  apiKeyDeclined.value = false;
  apiKeyRequest.value = { wrongKey: false };
}

/** The message and code of an error answer: `{error: {message, code}}`, else the status. */
async function errorOf(response: Response): Promise<{ message: string; code: string | null }> {
  const text = await response.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { error?: { message?: unknown; code?: unknown } | string; message?: unknown };
    const code = typeof body.error === 'object' && typeof body.error?.code === 'string' ? body.error.code : null;
    if (typeof body.error === 'object' && typeof body.error?.message === 'string') return { message: body.error.message, code };
    if (typeof body.error === 'string') return { message: body.error, code };
    if (typeof body.message === 'string') return { message: body.message, code };
  } catch {
    // Not JSON: fall through to the status.
  }
  return { message: `The server answered ${response.status} ${response.statusText}`.trim(), code: null };
}

/**
 * `fetch` of a path of this server (relative, so the app also works below a path prefix).
 * Resolves with a 2xx response; throws a ServerError otherwise.
 */
export async function apiFetch(path: string, init: RequestInit = {}): Promise<Response> {
  for (;;) {
    const headers = new Headers(init.headers);
    if (apiKey.value) headers.set('Authorization', `Bearer ${apiKey.value}`);
    const response = await fetch(path, { ...init, headers }).catch((error: unknown) => {
      if (init.signal?.aborted) throw error;
      throw new ServerError('Cannot reach the GPT4All server: is `gpt4all serve` still running?', 0);
    });
    if (response.status === 401) {
      await response.body?.cancel();
      await askForKey();
      continue;
    }
    if (!response.ok) {
      const { message, code } = await errorOf(response);
      throw new ServerError(message, response.status, code);
    }
    return response;
  }
}

export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  const response = await apiFetch(path, signal ? { signal } : {});
  return (await response.json()) as T;
}

export async function sendJson<T>(method: 'POST' | 'DELETE', path: string, body?: unknown, signal?: AbortSignal): Promise<T | null> {
  const response = await apiFetch(path, {
    method,
    ...(body !== undefined && { body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } }),
    ...(signal && { signal }),
  });
  if (response.status === 204) return null;
  const text = await response.text();
  return text ? (JSON.parse(text) as T) : null;
}
