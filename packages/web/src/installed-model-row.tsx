/** An installed model: size, architecture, state; chat with it or remove it. */
import type { AppModel } from './app-api-types.js';
import { openNewChat } from './conversations-state.js';
import { showError } from './error-state.js';
import { formatBytes } from './format-units.js';
import { modelLabel } from './model-label.js';
import { removeModel } from './server-state.js';

const STATE_LABELS: Record<AppModel['state'], string> = {
  unloaded: 'Not loaded',
  loading: 'Loading…',
  loaded: 'Loaded',
  failed: 'Failed to load',
};

// The browser's own confirm dialog: modal, accessible and impossible to miss.
function confirmRemove(model: AppModel, name: string): void {
  const again = model.catalogName !== null ? '; you can download it again later' : '';
  const question = `Remove ${name}? Its file (${formatBytes(model.sizeBytes)}) is deleted from this computer${again}.`;
  if (model.filename !== null && window.confirm(question)) removeModel(model.filename).catch(showError);
}

export function InstalledModelRow({ model }: { model: AppModel }) {
  const name = modelLabel(model);
  return (
    <li class="card" data-testid="installed-model" data-model-id={model.id}>
      <div class="card-main">
        <h3>{name}</h3>
        <p class="meta">
          {model.filename && model.filename !== name && <span>{model.filename} · </span>}
          <span>{formatBytes(model.sizeBytes)}</span>
          {model.architecture && <span> · {model.architecture}</span>}
          <span> · {STATE_LABELS[model.state]}</span>
          {model.contextSize !== null && <span> · context {model.contextSize} tokens</span>}
        </p>
        {model.loadError && <p class="inline-error">{model.loadError}</p>}
      </div>
      <div class="card-actions">
        <button type="button" class="button primary" data-testid="chat-with-model" aria-label={`Chat with ${name}`} onClick={() => openNewChat(model.id)}>
          Chat
        </button>
        {model.filename !== null && (
          <button type="button" class="button danger" data-testid="remove-model" aria-label={`Remove ${name}`} onClick={() => confirmRemove(model, name)}>
            Remove
          </button>
        )}
      </div>
    </li>
  );
}
