/** A catalog model: what it is, and its download (start, progress, cancel, resume). */
import { useMemo } from 'preact/hooks';
import type { AppCatalogEntry } from './app-api-types.js';
import { showError } from './error-state.js';
import { formatBytes, formatSpeed } from './format-units.js';
import { cancelDownload, downloads, startDownload } from './server-state.js';

/** The catalog's description is HTML: shown as its text only (an inert parse, nothing loaded). */
function plainText(html: string): string {
  const body = new DOMParser().parseFromString(html, 'text/html').body;
  // The text of a script or style is code, not description.
  for (const element of body.querySelectorAll('script, style, template')) element.remove();
  return body.textContent?.trim() ?? '';
}

export function CatalogEntryRow({ entry }: { entry: AppCatalogEntry }) {
  const download = downloads.value[entry.filename];
  const description = useMemo(() => (entry.description ? plainText(entry.description) : ''), [entry.description]);
  const state = download?.state;
  const active = state === 'downloading' || state === 'verifying';
  const total = download?.totalBytes ?? entry.sizeBytes;
  const fraction = download && total ? Math.min(1, download.receivedBytes / total) : null;
  const installed = entry.installed || state === 'done';
  // Bytes on disk from a download this server run does not know (started before a restart).
  const leftOver = !download && !installed && entry.partialBytes > 0;

  return (
    <li class="card" data-testid="catalog-entry" data-filename={entry.filename}>
      <div class="card-main">
        <h3>{entry.name}</h3>
        <p class="meta">
          {entry.sizeBytes !== null && <span>{formatBytes(entry.sizeBytes)}</span>}
          {entry.ramRequiredGiB !== null && <span> · needs {entry.ramRequiredGiB} GB RAM</span>}
          {entry.parameters && <span> · {entry.parameters} parameters</span>}
          {entry.quantization && <span> · {entry.quantization}</span>}
        </p>
        {description && <p class="description">{description}</p>}
        {download && active && (
          <div class="download-status">
            <progress
              data-testid="download-progress"
              aria-label={`Download of ${entry.name}`}
              max={1}
              {...(fraction !== null && { value: fraction })}
            />
            <span>
              {state === 'verifying'
                ? 'Verifying…'
                : `${formatBytes(download.receivedBytes)}${total ? ` of ${formatBytes(total)} (${Math.floor((fraction ?? 0) * 100)}%)` : ''} · ${formatSpeed(download.bytesPerSecond)}`}
            </span>
          </div>
        )}
        {state === 'cancelled' && <p class="meta">Paused at {formatBytes(download!.receivedBytes)}.</p>}
        {leftOver && (
          <p class="meta">
            {formatBytes(entry.partialBytes)}
            {entry.sizeBytes ? ` of ${formatBytes(entry.sizeBytes)}` : ''} downloaded earlier.
          </p>
        )}
        {state === 'failed' && <p class="inline-error">Download failed: {download!.error}</p>}
      </div>
      <div class="card-actions">
        {installed ? (
          <span class="badge">Installed</span>
        ) : active ? (
          <button
            type="button"
            class="button"
            data-testid="cancel-download"
            aria-label={`Cancel download of ${entry.name}`}
            onClick={() => cancelDownload(entry.filename).catch(showError)}
          >
            Cancel
          </button>
        ) : state === 'cancelled' || state === 'failed' || leftOver ? (
          <button
            type="button"
            class="button primary"
            data-testid="resume-download"
            aria-label={`${state === 'failed' ? 'Retry' : 'Resume'} download of ${entry.name}`}
            onClick={() => startDownload(entry.filename).catch(showError)}
          >
            {/* Both continue from the bytes on disk; after a failure there may be none. */}
            {state === 'failed' ? 'Retry' : 'Resume'}
          </button>
        ) : (
          <button
            type="button"
            class="button primary"
            data-testid="download"
            aria-label={`Download ${entry.name}`}
            onClick={() => startDownload(entry.filename).catch(showError)}
          >
            Download
          </button>
        )}
      </div>
    </li>
  );
}
