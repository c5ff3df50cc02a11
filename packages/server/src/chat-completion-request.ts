import type { ChatTool, ResponseFormat, ToolChoice } from '@gpt4all/chat';
import { SAMPLING_PROPERTIES, type SamplingRequest } from './sampling-request.js';
import { nullable } from './nullable-schema.js';

/** A content part of a message: only text parts can be served (the models here read text). */
export interface ContentPart {
  type: string;
  text?: string;
}

/** A message of a chat completion request, in OpenAI's shape. */
export interface RequestMessage {
  role: 'system' | 'developer' | 'user' | 'assistant' | 'tool';
  content?: string | ContentPart[] | null;
  name?: string;
  tool_calls?: { id: string; type: 'function'; function: { name: string; arguments: string } }[];
  tool_call_id?: string;
  /** A thinking model's reasoning in an earlier reply, which templates show or drop. */
  reasoning_content?: string | null;
}

/** The body of `POST /v1/chat/completions`. */
export interface ChatCompletionRequest extends SamplingRequest {
  messages: RequestMessage[];
  tools?: ChatTool[] | null;
  tool_choice?: ToolChoice | null;
  parallel_tool_calls?: boolean | null;
  response_format?: ResponseFormat | null;
  logprobs?: boolean | null;
  top_logprobs?: number | null;
  /** Extension: a Jinja chat template used instead of the model's for this request. */
  chat_template?: string | null;
  /**
   * Extension: what happens when the messages do not fit the model's context: `'error'` (the
   * default, as OpenAI answers: 400 `context_length_exceeded`) or `'drop-oldest'` (the oldest turns
   * after the system message are left out until the rest fits, as GPT4All's chat does).
   */
  context_overflow?: 'error' | 'drop-oldest' | null;
}

const content = {
  anyOf: [
    { type: 'string' },
    { type: 'array', items: { type: 'object', required: ['type'], properties: { type: { type: 'string' }, text: { type: 'string' } } } },
    { type: 'null' },
  ],
};

/** The JSON schema fastify validates the body with; other fields are ignored, as OpenAI's clients send some. */
export const CHAT_COMPLETION_SCHEMA = {
  type: 'object',
  required: ['model', 'messages'],
  properties: {
    ...SAMPLING_PROPERTIES,
    messages: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['role'],
        properties: {
          role: { type: 'string', enum: ['system', 'developer', 'user', 'assistant', 'tool'] },
          content,
          name: { type: 'string' },
          tool_call_id: { type: 'string' },
          reasoning_content: nullable({ type: 'string' }),
          tool_calls: {
            type: 'array',
            items: {
              type: 'object',
              required: ['id', 'function'],
              properties: {
                id: { type: 'string' },
                type: { type: 'string', enum: ['function'] },
                function: { type: 'object', required: ['name', 'arguments'], properties: { name: { type: 'string' }, arguments: { type: 'string' } } },
              },
            },
          },
        },
      },
    },
    tools: nullable({
      type: 'array',
      items: {
        type: 'object',
        required: ['type', 'function'],
        properties: {
          type: { type: 'string', enum: ['function'] },
          function: {
            type: 'object',
            required: ['name'],
            properties: { name: { type: 'string' }, description: { type: 'string' }, parameters: { type: 'object' }, strict: nullable({ type: 'boolean' }) },
          },
        },
      },
    }),
    tool_choice: nullable({
      anyOf: [
        { type: 'string', enum: ['auto', 'none', 'required'] },
        { type: 'object', required: ['type', 'function'], properties: { type: { type: 'string', enum: ['function'] }, function: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } } } },
      ],
    }),
    parallel_tool_calls: nullable({ type: 'boolean' }),
    response_format: nullable({
      type: 'object',
      required: ['type'],
      properties: {
        type: { type: 'string', enum: ['text', 'json_object', 'json_schema'] },
        json_schema: { type: 'object', required: ['schema'], properties: { name: { type: 'string' }, description: { type: 'string' }, schema: { type: 'object' }, strict: nullable({ type: 'boolean' }) } },
      },
    }),
    logprobs: nullable({ type: 'boolean' }),
    top_logprobs: nullable({ type: 'integer', minimum: 0 }),
    chat_template: nullable({ type: 'string', minLength: 1 }),
    context_overflow: nullable({ type: 'string', enum: ['error', 'drop-oldest'] }),
  },
} as const;
