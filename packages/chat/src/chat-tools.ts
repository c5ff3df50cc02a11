import type { JsonSchema } from '@gpt4all/core';
import type { ToolDefinition } from '@gpt4all/templates';
import type { ValidateFunction } from 'ajv';
import { invalidArgument } from './errors/chat-error.js';
import { JsonSchemaCompiler } from './json-schema-validator.js';

/**
 * A tool the model may call, in OpenAI's shape (`{ type: 'function', function: { name,
 * description, parameters } }`, `parameters` a JSON Schema for the arguments object). With
 * `execute`, the session runs the tool itself and answers the model with its result.
 */
export interface ChatTool {
  type: 'function';
  function: {
    /** `[a-zA-Z0-9_-]`, as OpenAI requires. */
    name: string;
    description?: string;
    /** JSON Schema of the arguments (an object). Default: any object. */
    parameters?: Record<string, unknown>;
  };
  /**
   * Runs the tool with the validated arguments. Its result (a string, or anything else written
   * as JSON) becomes the tool message. A throw becomes `{"error": message}` for the model to see.
   */
  execute?: (args: Record<string, unknown>, call: { id: string; name: string; signal: AbortSignal | undefined }) => unknown;
}

/**
 * Whether and which tool to call, per reply: `'auto'` (the model decides; a call it starts is
 * kept well-formed by a grammar that switches on at its family's trigger), `'none'` (no call is
 * read), `'required'` (one call, forced by a grammar from the first token), or one named tool.
 * OpenAI's `{ type: 'function', function: { name } }` is accepted too.
 */
export type ToolChoice = 'auto' | 'none' | 'required' | { name: string } | { type: 'function'; function: { name: string } };

/** A call the model made: `arguments` parsed, and valid against the tool's `parameters`. */
export interface ToolCall {
  /** The model's own id where its format writes one, else `call_` + 24 random characters. */
  id: string;
  name: string;
  arguments: Record<string, unknown>;
}

/** A call the model wrote that could not be used: unreadable, unknown tool, or arguments the schema rejects. */
export interface InvalidToolCall {
  /** Why, starting with a keyword: `truncated`, `malformed …`, `unknown tool …`, `arguments …`. */
  reason: string;
  /** The call's text as the model wrote it (it stays in the reply's text). */
  raw: string;
}

/**
 * The shape of the reply's text, OpenAI's `response_format`: `{ type: 'json_object' }` (any JSON
 * object) or `{ type: 'json_schema', schema }` (JSON valid against `schema`; OpenAI's nested
 * `json_schema: { schema }` is accepted too). Enforced by a grammar (see `jsonSchemaToGrammar`).
 */
export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | { type: 'json_schema'; schema: JsonSchema }
  | { type: 'json_schema'; json_schema: { name?: string; schema: JsonSchema; strict?: boolean } };

/** A caller's tool result, added to the conversation: `{ role: 'tool', toolCallId, content }`. */
export interface ToolResultMessage {
  role: 'tool';
  toolCallId: string;
  content: string;
}

const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

/** The session's tools, checked, with their argument validators. */
export class ToolSet {
  readonly tools: readonly ChatTool[];
  /** What templates receive (`execute` left out). */
  readonly definitions: ToolDefinition[];
  readonly #validators = new Map<string, ValidateFunction>();

  constructor(tools: readonly ChatTool[] | undefined) {
    if (tools !== undefined && !Array.isArray(tools)) throw invalidArgument('tools must be a list of { type: "function", function: { name, parameters } }');
    this.tools = [...(tools ?? [])];
    const compiler = new JsonSchemaCompiler();
    for (const tool of this.tools) {
      const name = tool?.function?.name;
      if (tool?.type !== 'function' || typeof name !== 'string' || !TOOL_NAME.test(name)) {
        throw invalidArgument(`every tool must be { type: 'function', function: { name } } with a name of [a-zA-Z0-9_-], got ${JSON.stringify(tool?.function?.name ?? tool)}`);
      }
      if (this.#validators.has(name)) throw invalidArgument(`two tools are named '${name}'`);
      if (tool.execute !== undefined && typeof tool.execute !== 'function') throw invalidArgument(`tool '${name}': execute must be a function`);
      try {
        this.#validators.set(name, compiler.compile(tool.function.parameters ?? { type: 'object' }));
      } catch (cause) {
        throw invalidArgument(`tool '${name}': parameters is not a valid JSON Schema (${(cause as Error).message})`);
      }
    }
    this.definitions = this.tools.map(({ type, function: fn }) => ({
      type,
      // Templates print `description` and `parameters` unguarded (jinja2 fails on an undefined one).
      function: { name: fn.name, description: fn.description ?? '', parameters: fn.parameters ?? { type: 'object', properties: {} } },
    }));
  }

  get size(): number {
    return this.tools.length;
  }

  get(name: string): ChatTool | undefined {
    return this.tools.find((tool) => tool.function.name === name);
  }

  /** Why `args` do not fit the tool's `parameters`, or `undefined` when they do. */
  argumentErrors(name: string, args: unknown): string | undefined {
    const validate = this.#validators.get(name);
    if (!validate) return `unknown tool "${name}"`;
    if (validate(args)) return undefined;
    return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ');
  }
}

/** `toolChoice` as `'auto' | 'none' | 'required' | { name }`, checked against the tools. */
export function resolveToolChoice(choice: ToolChoice | undefined, tools: ToolSet): 'auto' | 'none' | 'required' | { name: string } {
  if (choice === undefined) return tools.size > 0 ? 'auto' : 'none';
  if (choice === 'auto' || choice === 'none' || choice === 'required') {
    if (choice === 'required' && tools.size === 0) throw invalidArgument("toolChoice 'required' needs tools (createChatSession({ tools }))");
    return choice;
  }
  const name = typeof choice === 'object' && choice !== null ? ('name' in choice ? choice.name : choice.function?.name) : undefined;
  if (typeof name !== 'string') throw invalidArgument(`toolChoice must be 'auto', 'none', 'required' or { name }, got ${JSON.stringify(choice)}`);
  if (!tools.get(name)) throw invalidArgument(`toolChoice names '${name}', which is not one of the session's tools`);
  return { name };
}

/** The JSON schema a `responseFormat` asks for, or `undefined` for plain text. */
export function responseSchema(format: ResponseFormat | undefined): JsonSchema | undefined {
  if (format === undefined || format.type === 'text') return undefined;
  if (format.type === 'json_object') return { type: 'object' };
  if (format.type === 'json_schema') {
    const schema = 'schema' in format ? format.schema : format.json_schema?.schema;
    if (schema === undefined) throw invalidArgument("responseFormat { type: 'json_schema' } needs a schema");
    return schema;
  }
  throw invalidArgument(`responseFormat.type must be 'text', 'json_object' or 'json_schema', got ${JSON.stringify((format as { type?: unknown }).type)}`);
}
