/**
 * Chat template choice: the model's own, a preset, or custom Jinja; with a live preview. Loaded
 * lazily by the settings drawer, with @gpt4all/templates (the Jinja engine is half the app's size).
 */
import { PRESETS, getPreset } from './template-engine.js';
import type { Conversation, TemplateChoice } from './conversation.js';
import { models } from './server-state.js';
import { TemplatePreview } from './template-preview.js';

function choiceValue(choice: TemplateChoice): string {
  return choice.kind === 'preset' ? `preset:${choice.name}` : choice.kind;
}

export function TemplateSetting({ conversation, onChange }: { conversation: Conversation; onChange: (choice: TemplateChoice) => void }) {
  const choice = conversation.settings.template;
  const model = models.value.find((m) => m.id === conversation.modelId);
  const modelTemplate = model?.chatTemplate ?? null;
  const source =
    choice.kind === 'custom'
      ? choice.source
      : choice.kind === 'preset'
        ? (getPreset(choice.name)?.template ?? null)
        : modelTemplate;

  return (
    <div class="field template-setting">
      <label for="setting-template">Chat template</label>
      <select
        id="setting-template"
        data-testid="setting-template"
        value={choiceValue(choice)}
        onChange={(event) => {
          const value = event.currentTarget.value;
          if (value === 'model') onChange({ kind: 'model' });
          else if (value === 'custom') onChange({ kind: 'custom', source: source ?? modelTemplate ?? getPreset('chatml')?.template ?? '' });
          else onChange({ kind: 'preset', name: value.slice('preset:'.length) });
        }}
      >
        <option value="model">The model's own</option>
        {PRESETS.map((preset) => (
          <option key={preset.name} value={`preset:${preset.name}`}>
            Preset: {preset.name} ({preset.description})
          </option>
        ))}
        <option value="custom">Custom</option>
      </select>
      {choice.kind === 'custom' && (
        <>
          <label for="template-editor">Custom template (Jinja)</label>
          <textarea
            id="template-editor"
            data-testid="template-editor"
            class="code-input"
            rows={10}
            spellcheck={false}
            value={choice.source}
            onInput={(event) => onChange({ kind: 'custom', source: event.currentTarget.value })}
          />
        </>
      )}
      <TemplatePreview template={source} conversation={conversation} bosToken={model?.bosToken ?? null} eosToken={model?.eosToken ?? null} />
    </div>
  );
}
