import { compileTemplate, type CompiledTemplate, type RenderOptions } from './compile-template.js';

/** One part of a multi-part message content (`{ type: 'text', text }`, images, …). */
export interface ContentPart {
  type: string;
  text?: string;
  [key: string]: unknown;
}

/** A tool call made by the assistant, in the OpenAI / Hugging Face shape. */
export interface ToolCall {
  id?: string;
  type?: 'function' | string;
  function: {
    name: string;
    /** Hugging Face templates expect an object; some accept a JSON string. */
    arguments: Record<string, unknown> | string;
  };
  [key: string]: unknown;
}

/** A chat message as chat templates receive it. Extra fields (e.g. `reasoning_content`) pass through. */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant' | 'tool' | string;
  content?: string | ContentPart[] | null;
  tool_calls?: ToolCall[];
  tool_call_id?: string;
  name?: string;
  [key: string]: unknown;
}

/** A tool definition (JSON schema), as passed to `apply_chat_template(tools=…)`. */
export interface ToolDefinition {
  type: 'function' | string;
  function: { name: string; description?: string; parameters?: Record<string, unknown> };
  [key: string]: unknown;
}

/** Options of {@link renderChat}. */
export interface RenderChatOptions extends RenderOptions {
  /** End with the header that starts the assistant's reply (`add_generation_prompt`). Default false. */
  addGenerationPrompt?: boolean;
  /** Text of the model's beginning-of-sequence token (`bos_token`). */
  bosToken?: string;
  /** Text of the model's end-of-sequence token (`eos_token`). */
  eosToken?: string;
  /** Tool definitions (`tools`); `null` when absent, as transformers passes it. */
  tools?: ToolDefinition[] | null;
  /** Retrieval documents (`documents`); `null` when absent. */
  documents?: Record<string, unknown>[] | null;
  /** Any other keyword arguments the template reads (e.g. `enable_thinking`). */
  extraContext?: Record<string, unknown>;
}

// Compiling is the costly part of rendering; chats re-render the same template every turn.
const CACHE_SIZE = 32;
const cache = new Map<string, CompiledTemplate>();

function compiled(template: string | CompiledTemplate): CompiledTemplate {
  if (typeof template !== 'string') return template;
  const hit = cache.get(template);
  if (hit) {
    cache.delete(template);
    cache.set(template, hit);
    return hit;
  }
  const result = compileTemplate(template);
  cache.set(template, result);
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  return result;
}

/** The variables a Hugging Face chat template sees, as transformers' `apply_chat_template` builds them. */
export function chatTemplateVariables(
  messages: readonly ChatMessage[],
  options: RenderChatOptions = {},
): Record<string, unknown> {
  return {
    ...options.extraContext,
    messages,
    tools: options.tools ?? null,
    documents: options.documents ?? null,
    add_generation_prompt: options.addGenerationPrompt ?? false,
    ...(options.bosToken === undefined ? {} : { bos_token: options.bosToken }),
    ...(options.eosToken === undefined ? {} : { eos_token: options.eosToken }),
  };
}

/**
 * Renders a Hugging Face-style Jinja chat template exactly as Python's jinja2
 * does inside transformers' `apply_chat_template`.
 *
 * @param template - the Jinja source (compiled templates are cached) or a {@link CompiledTemplate}.
 * @param messages - the conversation.
 * @param options - generation prompt, special tokens, tools, documents, extra variables and render limits.
 * @returns the prompt text.
 * @throws {@link TemplateSyntaxError} for a malformed template, {@link TemplateError} (`ERR_TEMPLATE_RAISED`)
 *   when the template calls `raise_exception`, {@link TemplateLimitError} when a render budget runs out,
 *   {@link TemplateRenderError} for any other failure.
 */
export function renderChat(
  template: string | CompiledTemplate,
  messages: readonly ChatMessage[],
  options: RenderChatOptions = {},
): string {
  return compiled(template).render(chatTemplateVariables(messages, options), options);
}
