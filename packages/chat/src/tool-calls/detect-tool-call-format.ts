import { FAMILY_REASONING, toolCallFormat } from './families/index.js';
import { THINK_TAGS, type ReasoningTags, type ToolCallFormat, type ToolCallFormatId } from './tool-call-format.js';

/**
 * True when a chat template can render tools or tool calls (it mentions `tools` or `tool_calls`),
 * as llama.cpp's template capability probe reports `supports_tools` / `supports_tool_calls`.
 */
export function templateSupportsTools(templateSource: string): boolean {
  return /\btools\b|\btool_calls\b/.test(templateSource);
}

const has = (src: string, ...needles: string[]): boolean => needles.every((n) => src.includes(n));

/**
 * The family of a template, from marker text in its source, in the spirit of llama.cpp's
 * `common_chat_try_specialized_template` and its former per-model detection (chat.cpp): the more
 * specific markers are tested first, since several families share `<tool_call>`.
 */
function familyOf(src: string): ToolCallFormatId {
  if (src.includes('<|channel|>')) return 'gpt-oss';
  // MiniMax-M3 prefixes every tag with a namespace token; not supported here (llama.cpp has a dedicated parser).
  if (src.includes(']<]minimax[>[')) return 'generic';
  if (has(src, '[TOOL_CALLS]', '[ARGS]')) return 'mistral-args';
  if (has(src, '>>>all') || /'>>>' *\+|>>>\$\{recipient\}/.test(src)) return 'functionary-v3.2';
  if (src.includes('<|tool_calls_section_begin|>')) return 'kimi-k2';
  if (has(src, 'dsml_token', 'DSML')) return src.includes("dsml_token + 'tool_calls>") ? 'deepseek-v4' : 'deepseek-v3.2';
  if (src.includes("'<|tool_call>call:'")) return 'gemma4';
  if (src.includes('<|START_ACTION|>')) return 'command-r7b';
  if (src.includes('<|tool_call_start|>') || src.includes('<|tool_list_start|>') || src.includes('List of tools: [')) {
    return 'lfm2';
  }
  if (has(src, '<tool_call>', '<arg_key>')) return 'glm-4.5';
  if (src.includes('<seed:tool_call>')) return 'seed-oss';
  if (src.includes('<minimax:tool_call>')) return 'minimax-m2';
  if (has(src, '<tool_call>', '<function=', '<parameter=')) return 'qwen3-coder';
  if (src.includes('<function=') && !src.includes('<tool_call>')) return 'functionary-v3.1';
  if (src.includes('tool▁calls▁begin')) return src.includes('function<｜tool▁sep｜>') || /\['type'\] \+ '<｜tool▁sep｜>'/.test(src) ? 'deepseek-r1' : 'deepseek-v3.1';
  if (src.includes('<|tool_call|>')) return 'granite';
  if (src.includes('<tool_calls>')) return 'apriel';
  if (src.includes('<TOOLCALL>')) return 'nemotron-v2';
  if (src.includes('<|tools_prefix|>')) return 'apertus';
  if (src.includes('functools[')) return src.includes('<|tool|>') ? 'phi-4-mini' : 'firefunction-v2';
  if (src.includes('[TOOL_CALLS]')) return 'mistral';
  if (src.includes('<tool_call>')) return 'hermes';
  if (src.includes('<|start_header_id|>') && (src.includes('ipython') || src.includes('"parameters"'))) return 'llama3';
  return 'generic';
}

/**
 * Whether the generation-prompt part of the template can end with `open` (the model then starts
 * inside its reasoning): an `add_generation_prompt` branch emitting `open` that is not immediately
 * closed again (Qwen3's `<think>\n\n</think>` for disabled thinking does not count).
 */
function generationPromptOpens(src: string, open: string, close: string): boolean {
  const re = /\bif\s+add_generation_prompt\b/g;
  for (let m = re.exec(src); m; m = re.exec(src)) {
    // The branch up to its `endif` (bounded, for templates that test the flag elsewhere too).
    const rest = src.slice(m.index, m.index + 400);
    const endif = rest.search(/\{%-?\s*endif/);
    const window = endif < 0 ? rest : rest.slice(0, endif);
    let at = window.indexOf(open);
    while (at >= 0) {
      const after = window.slice(at + open.length, at + open.length + 12).replace(/\\n|\s/g, '');
      if (!after.startsWith(close)) return true;
      at = window.indexOf(open, at + 1);
    }
  }
  return false;
}

function reasoningOf(src: string, id: ToolCallFormatId): ReasoningTags | undefined {
  const special = FAMILY_REASONING[id];
  if (special) {
    if (!src.includes(special.open)) return undefined;
    return { ...special, promptMayOpen: generationPromptOpens(src, special.open, special.close) };
  }
  if (!src.includes(THINK_TAGS.open) && !src.includes(THINK_TAGS.close)) return undefined;
  return { ...THINK_TAGS, promptMayOpen: generationPromptOpens(src, THINK_TAGS.open, THINK_TAGS.close) };
}

/**
 * Detects a template's tool-call format from its Jinja source.
 *
 * @param templateSource - the chat template (as in `tokenizer_config.json` or GGUF `tokenizer.chat_template`).
 * @returns the family (`generic` when no known markers are found, like llama.cpp's generic handler)
 *   with its triggers and, when the template thinks, its reasoning tags.
 */
export function detectToolCallFormat(templateSource: string): ToolCallFormat {
  const id = familyOf(templateSource);
  return toolCallFormat(id, reasoningOf(templateSource, id));
}
