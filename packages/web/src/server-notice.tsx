/** A lasting notice above the page: the server is unreachable, or it needs an API key the user declined to give. */
import { apiKeyDeclined, requestApiKey } from './api-client.js';
import { connection } from './app-events.js';

export function ServerNotice() {
  if (apiKeyDeclined.value) {
    return (
      <div class="notice" role="status" data-testid="api-key-notice">
        <span>This server needs an API key: without it nothing can be loaded or sent.</span>
        <button type="button" class="button" onClick={requestApiKey}>
          Enter API key
        </button>
      </div>
    );
  }
  if (connection.value === 'lost') {
    return (
      <div class="notice" role="status" data-testid="connection-notice">
        <span>Lost the connection to the GPT4All server. Reconnecting… (is <code>gpt4all serve</code> still running?)</span>
      </div>
    );
  }
  return null;
}
