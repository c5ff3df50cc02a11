import type { Model } from '@gpt4all/chat';
import { basename } from 'node:path';

const GGUF = /\.gguf$/i;

/**
 * The id a model is served under, from what it was given as (`ServeOptions.models`) and, once
 * loaded, the model: its file name without `.gguf` (`Llama-3.2-1B-Instruct-Q4_0`). A model
 * not loaded yet (`loadOnFirstRequest`) given by a name that is not a file name (a catalog name,
 * `hf:owner/repo:QUANT`) is served under that name, since finding its file may need the network.
 */
export function modelId(source: string, model?: Model): string {
  if (model) return basename(model.info.path).replace(GGUF, '');
  return GGUF.test(source) || /[/\\]/.test(source) ? basename(source.replace(/^hf:/, '')).replace(GGUF, '') : source;
}

/**
 * Every name a request may use for a model besides its id: what it was given as, its file name
 * with `.gguf`, and its catalog name.
 */
export function modelAliases(source: string, model?: Model): string[] {
  const names = [source, `${modelId(source, model)}.gguf`];
  if (model) names.push(basename(model.info.path));
  if (model?.catalogEntry) names.push(model.catalogEntry.name, model.catalogEntry.filename);
  return [...new Set(names)];
}
