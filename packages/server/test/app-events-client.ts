import type { AppEvent } from '../src/app-api/app-api.js';

/** A client of `GET /api/events` that keeps every event it reads, for tests to wait on. */
export class AppEventsClient {
  readonly events: AppEvent[] = [];
  /** The raw text read so far (comments included). */
  text = '';
  readonly response: Response;
  #controller: AbortController;
  #waiters = new Set<() => void>();
  /** Settles when the server ends the stream (or the client closes it). */
  readonly ended: Promise<void>;

  private constructor(response: Response, controller: AbortController) {
    this.response = response;
    this.#controller = controller;
    this.ended = this.#read();
  }

  /** Opens the stream; resolves once the server answered (the subscription is live). */
  static async open(baseUrl: string, headers: Record<string, string> = {}): Promise<AppEventsClient> {
    const controller = new AbortController();
    const response = await fetch(`${baseUrl}/api/events`, { headers, signal: controller.signal });
    if (!response.ok) throw new Error(`GET /api/events answered ${response.status}`);
    return new AppEventsClient(response, controller);
  }

  /** Waits for an event that `match` accepts (among those read already, or the next ones). */
  async waitFor<T extends AppEvent>(match: (event: AppEvent) => event is T, ms?: number): Promise<T>;
  async waitFor(match: (event: AppEvent) => boolean, ms?: number): Promise<AppEvent>;
  async waitFor(match: (event: AppEvent) => boolean, ms = 15_000): Promise<AppEvent> {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = this.events.find(match);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no such event within ${ms} ms; got ${JSON.stringify(this.events.map((e) => e.type))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 50);
        this.#waiters.add(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.#controller.abort();
  }

  async #read(): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const bytes of this.response.body as unknown as AsyncIterable<Uint8Array>) {
        const text = decoder.decode(bytes, { stream: true });
        this.text += text;
        buffer += text;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = block.split('\n').find((line) => line.startsWith('data: '));
          if (data) this.events.push(JSON.parse(data.slice('data: '.length)) as AppEvent);
        }
        for (const wake of this.#waiters) wake();
        this.#waiters.clear();
      }
    } catch {
      // Aborted by close().
    }
  }
}
