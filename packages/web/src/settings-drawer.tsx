/** The current conversation's settings: system message, sampling, context size and chat template. */
import { useSignal } from '@preact/signals';
import { useEffect, useRef } from 'preact/hooks';
import type { Conversation, ConversationSettings } from './conversation.js';
import { FALLBACK_DEFAULTS, SETTING_RANGES, settingsFromDefaults } from './conversation-settings.js';
import { updateConversation } from './conversations-state.js';
import { CloseIcon } from './icons.js';
import { NumberSetting } from './number-setting.js';
import { info, models } from './server-state.js';
import { lazy, Suspense } from 'preact/compat';

// The template setting brings the Jinja engine (@gpt4all/templates): a chunk of its own.
const TemplateSetting = lazy(() => import('./template-setting.js').then((module) => module.TemplateSetting));

export function SettingsDrawer({ conversation, onClose }: { conversation: Conversation; onClose: () => void }) {
  // Bumped by "Reset": remounts the uncontrolled fields with the new values.
  const generationKey = useSignal(0);
  const settings = conversation.settings;
  const set = (change: Partial<ConversationSettings>) =>
    updateConversation(conversation.id, (c) => ({ ...c, settings: { ...c.settings, ...change } }));
  // The engine never gives a model more context than it was trained with: say so.
  const trained = models.value.find((m) => m.id === conversation.modelId)?.trainedContextSize ?? null;
  const capped = trained !== null && settings.contextSize > trained;
  // Opening moves focus into the drawer (on a narrow screen it covers the chat); closing returns it to the toggle.
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);

  return (
    <aside
      id="settings"
      class="settings-drawer"
      aria-label="Conversation settings"
      data-testid="settings-panel"
      onKeyDown={(event) => {
        if (event.key === 'Escape' && !event.defaultPrevented) onClose();
      }}
    >
      <div class="drawer-header">
        <h2 ref={heading} tabIndex={-1}>
          Settings
        </h2>
        <button type="button" class="icon-button" aria-label="Close settings" onClick={onClose}>
          <CloseIcon />
        </button>
      </div>
      <div class="drawer-body" key={`${conversation.id}-${generationKey.value}`}>
        <div class="field">
          <label for="system-message">System message</label>
          <textarea
            id="system-message"
            data-testid="system-message"
            rows={4}
            value={settings.systemMessage}
            placeholder="E.g. You are a concise assistant."
            onInput={(event) => set({ systemMessage: event.currentTarget.value })}
          />
        </div>
        <NumberSetting id="setting-temperature" label="Temperature" hint="Higher is more creative, lower more focused." value={settings.temperature} {...SETTING_RANGES.temperature} onChange={(temperature) => set({ temperature })} />
        <NumberSetting id="setting-top-p" label="Top-p" value={settings.topP} {...SETTING_RANGES.topP} onChange={(topP) => set({ topP })} />
        <NumberSetting id="setting-top-k" label="Top-k" value={settings.topK} {...SETTING_RANGES.topK} onChange={(topK) => set({ topK })} />
        <NumberSetting id="setting-min-p" label="Min-p" value={settings.minP} {...SETTING_RANGES.minP} onChange={(minP) => set({ minP })} />
        <NumberSetting id="setting-repeat-penalty" label="Repeat penalty" value={settings.repeatPenalty} {...SETTING_RANGES.repeatPenalty} onChange={(repeatPenalty) => set({ repeatPenalty })} />
        <NumberSetting id="setting-max-tokens" label="Max tokens of a reply" value={settings.maxTokens} {...SETTING_RANGES.maxTokens} onChange={(maxTokens) => set({ maxTokens })} />
        <NumberSetting
          id="setting-context-size"
          label="Context size (tokens)"
          hint={`How much of the conversation the model sees. Changing it reloads the model.${capped ? ` This model was trained with ${trained} tokens: it gets ${trained}.` : ''}`}
          value={settings.contextSize}
          {...SETTING_RANGES.contextSize}
          onChange={(contextSize) => set({ contextSize })}
        />
        <Suspense fallback={<p class="hint">Loading the chat template settings…</p>}>
          <TemplateSetting conversation={conversation} onChange={(template) => set({ template })} />
        </Suspense>
        <button
          type="button"
          class="button"
          onClick={() => {
            // Sampling only: the reply length, context size, system message and template stay.
            const { temperature, topP, topK, minP, repeatPenalty } = settingsFromDefaults(info.value?.defaults ?? FALLBACK_DEFAULTS);
            set({ temperature, topP, topK, minP, repeatPenalty });
            generationKey.value++;
          }}
        >
          Reset sampling to defaults
        </button>
      </div>
    </aside>
  );
}
