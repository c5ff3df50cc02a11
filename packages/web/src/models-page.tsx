/** The Models page: installed models, then the catalog to download from. */
import { apiKeyMissing } from './api-client.js';
import { CatalogEntryRow } from './catalog-entry-row.js';
import { InstalledModelRow } from './installed-model-row.js';
import { catalog, catalogError, info, models } from './server-state.js';

export function ModelsPage() {
  const installed = models.value;
  const entries = catalog.value;
  return (
    <div class="models-page" data-testid="models-page">
      <h1>Models</h1>
      <section aria-labelledby="installed-heading">
        <h2 id="installed-heading">Installed</h2>
        {info.value && <p class="hint">Stored in {info.value.modelsDir}</p>}
        {apiKeyMissing.value ? (
          <p>The models show once the server's API key is entered.</p>
        ) : installed.length === 0 ? (
          <p>No model is installed yet. Download one below.</p>
        ) : (
          <ul class="card-list">
            {installed.map((model) => (
              <InstalledModelRow key={model.id} model={model} />
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="catalog-heading">
        <h2 id="catalog-heading">Download</h2>
        {catalogError.value && <p class="inline-error">The model catalog could not be loaded: {catalogError.value}</p>}
        {entries === null && !catalogError.value && <p>Loading the catalog…</p>}
        {entries && (
          <ul class="card-list">
            {entries.map((entry) => (
              <CatalogEntryRow key={entry.filename} entry={entry} />
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
