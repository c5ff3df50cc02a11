import { brandError } from '@gpt4all/errors';
import { DownloadError, type DownloadErrorOptions } from './download-error.js';

/**
 * The Hugging Face Hub refused a request (HTTP 401 or 403): the repository is gated or private, or
 * does not exist (the Hub answers 401 for unknown repositories too, so as not to reveal private
 * ones). The message says to set `HF_TOKEN` (or pass `token`).
 */
export class HubAuthError extends DownloadError {
  static override readonly code = 'ERR_HUB_AUTH';
  /** `owner/repo`. */
  readonly repo: string;
  /** 401 or 403. */
  readonly status: number;
  /** URL that was refused. */
  readonly url: string;
  /** Whether a token was sent. */
  readonly tokenSent: boolean;

  constructor(init: { repo: string; status: number; url: string; tokenSent: boolean }, options?: DownloadErrorOptions) {
    const advice = init.tokenSent
      ? 'The token in HF_TOKEN (or `token`) was refused: check that it is valid and that its account accepted the repository\'s terms.'
      : 'The repository may be gated or private: set HF_TOKEN (or pass `token`) to a Hugging Face access token, after accepting its terms on the Hub.';
    super(`Hugging Face refused access to ${init.repo} (HTTP ${init.status} from ${init.url}). ${advice}`, options);
    this.repo = init.repo;
    this.status = init.status;
    this.url = init.url;
    this.tokenSent = init.tokenSent;
  }
}
brandError(HubAuthError, '@gpt4all/download:HubAuthError');
