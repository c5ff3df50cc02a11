/** Export all conversations as a JSON download, and import such a file. */
import { useRef } from 'preact/hooks';
import { ImportError, exportConversations, parseConversationsFile } from './conversation-io.js';
import { conversations, importConversations } from './conversations-state.js';
import { clearError, showError } from './error-state.js';

function download(text: string, filename: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  // Revoked later: some browsers read the blob after click() returns.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function ConversationTransfer() {
  const fileInput = useRef<HTMLInputElement>(null);

  const onFile = async (input: HTMLInputElement) => {
    const file = input.files?.[0];
    input.value = ''; // the same file can be picked again
    if (!file) return;
    try {
      const imported = parseConversationsFile(await file.text());
      await importConversations(imported);
      clearError();
    } catch (error) {
      showError(error instanceof ImportError ? error : new Error(`Import failed: ${String(error)}`));
    }
  };

  return (
    <div class="transfer">
      <button
        type="button"
        class="button"
        data-testid="export"
        onClick={() => download(exportConversations(conversations.value), `gpt4all-conversations-${new Date().toISOString().slice(0, 10)}.json`)}
      >
        Export all
      </button>
      <button type="button" class="button" onClick={() => fileInput.current?.click()}>
        Import
      </button>
      <input
        ref={fileInput}
        type="file"
        class="visually-hidden"
        data-testid="import"
        aria-label="Import conversations from a JSON file"
        accept=".json,application/json"
        tabIndex={-1}
        onChange={(event) => void onFile(event.currentTarget)}
      />
    </div>
  );
}
