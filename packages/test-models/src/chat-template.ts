import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { llamaCppDir } from './vendor-paths.js';

function templatesDir(): string {
  return join(llamaCppDir(), 'models', 'templates');
}

/** Names (without `.jinja`) of the chat templates vendored with llama.cpp. */
export function listVendoredChatTemplates(): string[] {
  return readdirSync(templatesDir())
    .filter((f) => f.endsWith('.jinja'))
    .map((f) => f.slice(0, -'.jinja'.length))
    .sort();
}

/**
 * Resolves a chat template given either as the name of a vendored template
 * (`Qwen-Qwen2.5-7B-Instruct`, with or without `.jinja`) or as template source.
 * Anything that looks like Jinja is taken literally; anything else must name a
 * vendored file, so a typo fails loudly instead of becoming the template.
 */
export function resolveChatTemplate(nameOrSource: string): string {
  if (/\{[{%#]/.test(nameOrSource)) return nameOrSource;
  const file = nameOrSource.endsWith('.jinja') ? nameOrSource : `${nameOrSource}.jinja`;
  const path = join(templatesDir(), file);
  if (!existsSync(path)) {
    throw new Error(`'${nameOrSource}' is neither Jinja source nor a vendored template (see vendor/llama.cpp/models/templates)`);
  }
  return readFileSync(path, 'utf8');
}
