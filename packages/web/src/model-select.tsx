/** The model of the current conversation, among the installed ones. */
import type { Conversation } from './conversation.js';
import { updateConversation } from './conversations-state.js';
import { apiKeyMissing } from './api-client.js';
import { modelLabel } from './model-label.js';
import { models } from './server-state.js';

export function ModelSelect({ conversation }: { conversation: Conversation }) {
  const list = models.value;
  const known = list.some((m) => m.id === conversation.modelId);
  return (
    <div class="model-select">
      <label for="model-select" class="visually-hidden">
        Model
      </label>
      <select
        id="model-select"
        data-testid="model-select"
        value={conversation.modelId ?? ''}
        onChange={(event) => {
          const modelId = event.currentTarget.value || null;
          updateConversation(conversation.id, (c) => ({ ...c, modelId }));
        }}
      >
        {list.length === 0 && <option value="">{apiKeyMissing.value ? 'API key needed' : 'No model installed'}</option>}
        {conversation.modelId === null && list.length > 0 && <option value="">Choose a model</option>}
        {conversation.modelId !== null && !known && <option value={conversation.modelId}>{conversation.modelId} (not installed)</option>}
        {list.map((model) => (
          // Preact skips setting `value` when it equals the option's text (no attribute then);
          // the attribute is set too, so that the markup says which model each option is.
          <option key={model.id} value={model.id} ref={(option) => option?.setAttribute('value', model.id)}>
            {modelLabel(model)}
            {model.state === 'loaded' ? ' (loaded)' : ''}
          </option>
        ))}
      </select>
    </div>
  );
}
