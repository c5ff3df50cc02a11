/** What the model would read: the template rendered in the browser on this conversation (or a sample one). */
import { renderChat } from './template-engine.js';
import { useMemo } from 'preact/hooks';
import type { Conversation } from './conversation.js';

const SAMPLE = [
  { role: 'user', content: 'Hello! What can you do?' },
  { role: 'assistant', content: 'I can answer questions and help you write.' },
  { role: 'user', content: 'Write a haiku about the sea.' },
];

interface Props {
  template: string | null;
  conversation: Conversation;
  bosToken: string | null;
  eosToken: string | null;
}

// TemplateError messages already name the line and column.
function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function TemplatePreview({ template, conversation, bosToken, eosToken }: Props) {
  const { systemMessage } = conversation.settings;
  const result = useMemo(() => {
    if (template === null) return null;
    const recent = conversation.messages.slice(-6).map((m) => ({ role: m.role, content: m.content }));
    const messages = [
      ...(systemMessage.trim() ? [{ role: 'system', content: systemMessage.trim() }] : []),
      ...(recent.length > 0 ? recent : SAMPLE),
    ];
    try {
      const text = renderChat(template, messages, {
        // The assistant's turn opens only after a user message: what the next request would end with.
        addGenerationPrompt: messages.at(-1)?.role === 'user',
        bosToken: bosToken ?? '',
        eosToken: eosToken ?? '',
        // A preview must stay quick while the user types.
        maxSteps: 200_000,
        timeoutMs: 500,
      });
      return { text, error: null };
    } catch (error) {
      return { text: null, error: describe(error) };
    }
  }, [template, conversation.messages, systemMessage, bosToken, eosToken]);

  return (
    <div class="template-preview" data-testid="template-preview">
      <h3>Preview</h3>
      {result === null ? (
        <p class="hint">The model's own template is known once the model is loaded; send a message first.</p>
      ) : result.error !== null ? (
        <p class="inline-error" data-testid="template-error">
          {result.error}
        </p>
      ) : (
        <pre class="code-output" tabIndex={0} aria-label="Rendered prompt">
          {result.text}
        </pre>
      )}
    </div>
  );
}
