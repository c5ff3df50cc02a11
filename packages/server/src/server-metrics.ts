import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Token counts of one finished generation, and why it ended. */
export interface GenerationRecord {
  promptTokens: number;
  completionTokens: number;
  /** As the response says it (`stop`, `length`, `tool_calls`), or `abort` for a client that left. */
  finishReason: string;
}

/**
 * The server's Prometheus metrics, in a registry of its own (so that several servers in one
 * process keep theirs apart), exposed as text by `GET /metrics`:
 *
 * - `gpt4all_http_requests_total{route,method,status}`; a client that left before its response
 *   was complete counts as status 499, as nginx writes it;
 * - `gpt4all_http_request_duration_seconds{route}` (histogram, to the response's last byte);
 * - `gpt4all_prompt_tokens_total{model}`, `gpt4all_completion_tokens_total{model}`;
 * - `gpt4all_generations_total{model,finish_reason}`;
 * - `gpt4all_time_to_first_token_seconds{model}` (histogram, from the request's arrival, queueing included);
 * - `gpt4all_queue_depth{model}` (requests waiting for a slot), `gpt4all_running_requests{model}`;
 * - Node.js process metrics (`process_resident_memory_bytes`, ...).
 */
export class ServerMetrics {
  readonly registry = new Registry();
  readonly #requests = new Counter({ name: 'gpt4all_http_requests_total', help: 'HTTP requests by route, method and status (499: the client left before the response was complete).', labelNames: ['route', 'method', 'status'], registers: [this.registry] });
  readonly #latency = new Histogram({
    name: 'gpt4all_http_request_duration_seconds',
    help: 'Time from the request to its response’s last byte, by route.',
    labelNames: ['route'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    registers: [this.registry],
  });
  readonly #promptTokens = new Counter({ name: 'gpt4all_prompt_tokens_total', help: 'Prompt tokens of finished generations, by model.', labelNames: ['model'], registers: [this.registry] });
  readonly #completionTokens = new Counter({ name: 'gpt4all_completion_tokens_total', help: 'Generated tokens, by model (aborted generations included).', labelNames: ['model'], registers: [this.registry] });
  readonly #generations = new Counter({ name: 'gpt4all_generations_total', help: 'Finished generations by model and finish reason (abort: the client left or the server closed).', labelNames: ['model', 'finish_reason'], registers: [this.registry] });
  readonly #embeddedInputs = new Counter({ name: 'gpt4all_embedded_inputs_total', help: 'Texts embedded, by model.', labelNames: ['model'], registers: [this.registry] });
  readonly #embeddedTokens = new Counter({ name: 'gpt4all_embedded_tokens_total', help: 'Tokens of the texts embedded, by model.', labelNames: ['model'], registers: [this.registry] });
  readonly #firstToken = new Histogram({
    name: 'gpt4all_time_to_first_token_seconds',
    help: 'Time from a request’s arrival (queueing included) to its first generated token, by model.',
    labelNames: ['model'],
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [this.registry],
  });
  readonly #queueDepth = new Gauge({ name: 'gpt4all_queue_depth', help: 'Requests waiting for a free slot, by model.', labelNames: ['model'], registers: [this.registry] });
  readonly #running = new Gauge({ name: 'gpt4all_running_requests', help: 'Requests holding a slot (generating or embedding), by model.', labelNames: ['model'], registers: [this.registry] });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** One response, once its last byte is written or its client has gone. */
  request(route: string, method: string, status: number, seconds: number): void {
    this.#requests.inc({ route, method, status: String(status) });
    this.#latency.observe({ route }, seconds);
  }

  generation(model: string, record: GenerationRecord): void {
    this.#promptTokens.inc({ model }, record.promptTokens);
    this.#completionTokens.inc({ model }, record.completionTokens);
    this.#generations.inc({ model, finish_reason: record.finishReason });
  }

  /** One embeddings request: how many texts, of how many tokens in all. */
  embedding(model: string, inputs: number, tokens: number): void {
    this.#embeddedInputs.inc({ model }, inputs);
    this.#embeddedTokens.inc({ model }, tokens);
  }

  firstToken(model: string, seconds: number): void {
    this.#firstToken.observe({ model }, seconds);
  }

  admission(model: string, state: { running: number; waiting: number }): void {
    this.#queueDepth.set({ model }, state.waiting);
    this.#running.set({ model }, state.running);
  }

  /** The exposition text, and its content type. */
  async expose(): Promise<{ text: string; contentType: string }> {
    return { text: await this.registry.metrics(), contentType: this.registry.contentType };
  }
}
