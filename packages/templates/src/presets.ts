import {
  ALPACA,
  CHATML,
  CHATML_THINKING,
  DEEPSEEK,
  GEMMA,
  GEMMA4,
  LLAMA2,
  LLAMA3,
  LLAMA3_DATED,
  MISTRAL_TEKKEN,
  MISTRAL_V1,
  MISTRAL_V3,
  PHI3,
  QWEN,
  VICUNA,
  ZEPHYR,
} from './preset-templates.js';

/** Names of the built-in chat format presets. */
export type PresetName =
  | 'chatml'
  | 'qwen'
  | 'llama2'
  | 'llama3'
  | 'mistral'
  | 'phi3'
  | 'gemma'
  | 'alpaca'
  | 'vicuna'
  | 'zephyr'
  | 'deepseek';

/** A named chat format: a Jinja template plus the strings that end a reply. */
export interface ChatPreset {
  readonly name: PresetName;
  /** The model family's format, in a few words. */
  readonly description: string;
  /** Hugging Face-style Jinja template (reads `bos_token`/`eos_token`). */
  readonly template: string;
  /**
   * Texts that mark the end of the assistant's reply (besides the model's EOS
   * token): stop generating when one appears, and cut it from the reply.
   */
  readonly stopStrings: readonly string[];
  /**
   * Other renderings of the same format that models ship (e.g. Llama 3.1's
   * dated system header), keyed by a short name. {@link detectTemplate} accepts them too.
   */
  readonly variants: Readonly<Record<string, string>>;
}

const preset = (
  name: PresetName,
  description: string,
  template: string,
  stopStrings: string[],
  variants: Record<string, string> = {},
): ChatPreset =>
  Object.freeze({
    name,
    description,
    template,
    stopStrings: Object.freeze(stopStrings),
    variants: Object.freeze(variants),
  });

/** Every preset, in detection order (more specific formats first). */
export const PRESETS: readonly ChatPreset[] = Object.freeze([
  // Qwen's templates are ChatML: detection names `chatml` (variant `qwen` or `qwen3`); the `qwen`
  // preset, after it, is for choosing Qwen 2.5's default system message explicitly.
  // Stop strings include the marker that opens the next turn (`<|im_start|>`, `<|start_header_id|>`,
  // `<start_of_turn>`, `[INST]`, `<|user|>`): a model that skips its end-of-turn marker and goes on
  // to invent the user's next message is cut there. The engine matches them against the text of
  // control tokens too, whether or not the vocabulary marks them as end-of-generation.
  preset('chatml', 'ChatML: <|im_start|>role … <|im_end|>', CHATML, ['<|im_end|>', '<|im_start|>'], {
    qwen: QWEN,
    qwen3: CHATML_THINKING,
  }),
  preset('qwen', "ChatML with Qwen 2.5's default system message", QWEN, ['<|im_end|>', '<|endoftext|>', '<|im_start|>']),
  preset(
    'llama3',
    'Llama 3: <|start_header_id|>role<|end_header_id|> … <|eot_id|>',
    LLAMA3,
    ['<|eot_id|>', '<|eom_id|>', '<|end_of_text|>', '<|start_header_id|>'],
    {
      'llama3.1': LLAMA3_DATED,
    },
  ),
  preset('llama2', 'Llama 2: [INST] <<SYS>> … <</SYS>> … [/INST]', LLAMA2, ['</s>', '[INST]']),
  preset('mistral', 'Mistral v0.3: [INST] …[/INST] reply (variants: v1 for v0.1/v0.2, tekken for Nemo)', MISTRAL_V3, ['</s>', '[INST]'], {
    v1: MISTRAL_V1,
    tekken: MISTRAL_TEKKEN,
  }),
  preset('phi3', 'Phi-3: <|user|> … <|end|>', PHI3, ['<|end|>', '<|endoftext|>', '<|user|>']),
  preset(
    'gemma',
    'Gemma: <start_of_turn>user … <end_of_turn> (variant gemma4: <|turn>user … <turn|>)',
    GEMMA,
    ['<end_of_turn>', '<start_of_turn>', '<turn|>', '<|turn>'],
    { gemma4: GEMMA4 },
  ),
  preset('deepseek', 'DeepSeek R1: <｜User｜> … <｜Assistant｜>', DEEPSEEK, ['<｜end▁of▁sentence｜>', '<｜User｜>']),
  preset('zephyr', 'Zephyr: <|user|> … </s>', ZEPHYR, ['</s>', '<|user|>']),
  preset('alpaca', 'Alpaca: ### Instruction: … ### Response:', ALPACA, ['### Instruction:', '### Response:']),
  preset('vicuna', 'Vicuna v1.1: USER: … ASSISTANT:', VICUNA, ['</s>', 'USER:']),
]);

/** True when `name` is a built-in preset's name. */
export function isPresetName(name: string): name is PresetName {
  return PRESETS.some((candidate) => candidate.name === name);
}

/**
 * Looks up a preset by name.
 * @returns the preset, or `undefined` for an unknown name.
 */
export function getPreset(name: string): ChatPreset | undefined {
  return PRESETS.find((candidate) => candidate.name === name);
}
