/**
 * Jinja sources of the named presets. Each follows its model family's
 * published prompt format; templates read `bos_token`/`eos_token` so callers
 * pass the model's own tokens. Message content may be a string or a list of
 * text parts.
 */

// Flattens a list of content parts to its text, so presets accept both shapes.
const TEXT_MACRO =
  '{%- macro text(content) -%}{%- if content is string -%}{{- content -}}{%- elif content is iterable -%}' +
  "{%- for part in content -%}{%- if part.type == 'text' -%}{{- part.text -}}{%- endif -%}{%- endfor -%}{%- endif -%}{%- endmacro -%}\n";

const SYSTEM_SPLIT =
  "{%- if messages and messages[0].role == 'system' -%}{%- set system_message = text(messages[0].content) -%}" +
  '{%- set turns = messages[1:] -%}{%- else -%}{%- set system_message = none -%}{%- set turns = messages -%}{%- endif -%}\n';

const chatml = (defaultSystem: string | undefined): string =>
  TEXT_MACRO +
  (defaultSystem === undefined
    ? ''
    : `{%- if not messages or messages[0].role != 'system' -%}{{- '<|im_start|>system\\n${defaultSystem}<|im_end|>\\n' -}}{%- endif -%}\n`) +
  "{%- for message in messages -%}{{- '<|im_start|>' + message.role + '\\n' + text(message.content) + '<|im_end|>\\n' -}}{%- endfor -%}\n" +
  "{%- if add_generation_prompt -%}{{- '<|im_start|>assistant\\n' -}}{%- endif -%}";

export const CHATML = chatml(undefined);

/** Qwen 3's ChatML: a reply after the last user turn carries an empty `<think>` block. */
export const CHATML_THINKING =
  TEXT_MACRO +
  "{%- set ns = namespace(last_query = -1) -%}{%- for message in messages -%}{%- if message.role == 'user' -%}{%- set ns.last_query = loop.index0 -%}{%- endif -%}{%- endfor -%}\n" +
  "{%- for message in messages -%}{%- if message.role == 'assistant' and loop.last and loop.index0 > ns.last_query -%}" +
  "{{- '<|im_start|>assistant\\n<think>\\n\\n</think>\\n\\n' + text(message.content) + '<|im_end|>\\n' -}}" +
  "{%- else -%}{{- '<|im_start|>' + message.role + '\\n' + text(message.content) + '<|im_end|>\\n' -}}{%- endif -%}{%- endfor -%}\n" +
  "{%- if add_generation_prompt -%}{{- '<|im_start|>assistant\\n' -}}{%- endif -%}";

/** ChatML with Qwen 2.5's default system message. */
export const QWEN = chatml('You are Qwen, created by Alibaba Cloud. You are a helpful assistant.');

export const LLAMA2 =
  TEXT_MACRO +
  SYSTEM_SPLIT +
  '{%- for message in turns -%}' +
  '{%- set content = text(message.content) -%}' +
  "{%- if loop.first and system_message is not none -%}{%- set content = '<<SYS>>\\n' + system_message + '\\n<</SYS>>\\n\\n' + content -%}{%- endif -%}" +
  "{%- if message.role == 'user' -%}{{- bos_token + '[INST] ' + content | trim + ' [/INST]' -}}" +
  "{%- elif message.role == 'assistant' -%}{{- ' ' + content | trim + ' ' + eos_token -}}{%- endif -%}" +
  '{%- endfor -%}';

const LLAMA3_TURNS =
  "{%- for message in turns -%}{{- '<|start_header_id|>' + message.role + '<|end_header_id|>\\n\\n' + text(message.content) | trim + '<|eot_id|>' -}}{%- endfor -%}\n" +
  "{%- if add_generation_prompt -%}{{- '<|start_header_id|>assistant<|end_header_id|>\\n\\n' -}}{%- endif -%}";

/** Llama 3: one header per message, the first preceded by the BOS token. */
export const LLAMA3 = TEXT_MACRO + '{{- bos_token -}}{%- set turns = messages -%}\n' + LLAMA3_TURNS;

/** Llama 3.1+: a system header that always states the knowledge cutoff and today's date. */
export const LLAMA3_DATED =
  TEXT_MACRO +
  SYSTEM_SPLIT +
  "{%- if date_string is not defined -%}{%- set date_string = strftime_now('%d %b %Y') -%}{%- endif -%}\n" +
  "{{- bos_token + '<|start_header_id|>system<|end_header_id|>\\n\\nCutting Knowledge Date: December 2023\\nToday Date: ' + date_string + '\\n\\n' -}}" +
  "{%- if system_message is not none -%}{{- system_message | trim -}}{%- endif -%}{{- '<|eot_id|>' -}}\n" +
  LLAMA3_TURNS;

/**
 * Mistral instruct formats differ in spacing and in where the system message
 * goes: the first user turn (v1), or the final message when it is a user turn
 * (v3, Tekken; the official templates drop it otherwise).
 */
const mistral = (open: string, close: string, assistantPrefix: string, systemInFirstTurn: boolean): string =>
  TEXT_MACRO +
  SYSTEM_SPLIT +
  '{{- bos_token -}}' +
  '{%- for message in turns -%}' +
  "{%- if message.role == 'user' -%}" +
  `{%- if system_message is not none and ${systemInFirstTurn ? 'loop.first' : 'loop.last'} -%}` +
  `{{- '${open}' + system_message + '\\n\\n' + text(message.content) + '${close}' -}}` +
  `{%- else -%}{{- '${open}' + text(message.content) + '${close}' -}}{%- endif -%}` +
  `{%- elif message.role == 'assistant' -%}{{- '${assistantPrefix}' + text(message.content) + eos_token -}}{%- endif -%}` +
  '{%- endfor -%}';

/** Mistral 7B v0.1/v0.2: `[INST] user [/INST]reply</s>`, system message in the first turn. */
export const MISTRAL_V1 = mistral('[INST] ', ' [/INST]', '', true);
/** Mistral v0.3 (v3 tokenizer): `[INST] user[/INST] reply</s>`, system message in the last user turn. */
export const MISTRAL_V3 = mistral('[INST] ', '[/INST]', ' ', false);
/** Mistral Nemo and other Tekken-tokenizer models: `[INST]user[/INST]reply</s>`, system in the last user turn. */
export const MISTRAL_TEKKEN = mistral('[INST]', '[/INST]', '', false);

export const PHI3 =
  TEXT_MACRO +
  '{%- for message in messages -%}' +
  "{%- if message.role == 'system' and message.content -%}{{- '<|system|>\\n' + text(message.content) + '<|end|>\\n' -}}" +
  "{%- elif message.role == 'user' -%}{{- '<|user|>\\n' + text(message.content) + '<|end|>\\n' -}}" +
  "{%- elif message.role == 'assistant' -%}{{- '<|assistant|>\\n' + text(message.content) + '<|end|>\\n' -}}{%- endif -%}" +
  '{%- endfor -%}' +
  "{%- if add_generation_prompt -%}{{- '<|assistant|>\\n' -}}{%- else -%}{{- eos_token -}}{%- endif -%}";

/** Gemma has no system role: the system message is put at the start of the first user turn. */
export const GEMMA =
  TEXT_MACRO +
  SYSTEM_SPLIT +
  '{{- bos_token -}}' +
  '{%- for message in turns -%}' +
  '{%- set content = text(message.content) -%}' +
  "{%- if loop.first and system_message is not none -%}{%- set content = system_message + '\\n\\n' + content -%}{%- endif -%}" +
  "{%- set role = 'model' if message.role == 'assistant' else message.role -%}" +
  "{{- '<start_of_turn>' + role + '\\n' + content | trim + '<end_of_turn>\\n' -}}" +
  '{%- endfor -%}' +
  "{%- if add_generation_prompt -%}{{- '<start_of_turn>model\\n' -}}{%- endif -%}";

/**
 * Gemma 4: `<|turn>role … <turn|>` with a system turn of its own, and an empty thinking block
 * after the reply header (the official template's default, thinking off).
 */
export const GEMMA4 =
  TEXT_MACRO +
  '{{- bos_token -}}' +
  "{%- set turns = messages -%}{%- if messages and messages[0].role == 'system' -%}" +
  "{{- '<|turn>system\\n' + text(messages[0].content) | trim + '<turn|>\\n' -}}{%- set turns = messages[1:] -%}{%- endif -%}" +
  '{%- for message in turns -%}' +
  "{%- set role = 'model' if message.role == 'assistant' else message.role -%}" +
  "{{- '<|turn>' + role + '\\n' + text(message.content) | trim + '<turn|>\\n' -}}" +
  '{%- endfor -%}' +
  "{%- if add_generation_prompt -%}{{- '<|turn>model\\n<|channel>thought\\n<channel|>' -}}{%- endif -%}";

export const ALPACA =
  TEXT_MACRO +
  SYSTEM_SPLIT +
  "{%- if system_message is not none -%}{{- system_message + '\\n\\n' -}}{%- endif -%}" +
  '{%- for message in turns -%}' +
  "{%- if message.role == 'user' -%}{{- '### Instruction:\\n' + text(message.content) + '\\n\\n' -}}" +
  "{%- elif message.role == 'assistant' -%}{{- '### Response:\\n' + text(message.content) + '\\n\\n' -}}{%- endif -%}" +
  '{%- endfor -%}' +
  "{%- if add_generation_prompt -%}{{- '### Response:\\n' -}}{%- endif -%}";

const VICUNA_SYSTEM =
  "A chat between a curious user and an artificial intelligence assistant. The assistant gives helpful, detailed, and polite answers to the user's questions.";

/** Vicuna v1.1 (FastChat): a default system line when none is given. */
export const VICUNA =
  TEXT_MACRO +
  SYSTEM_SPLIT +
  `{%- if system_message is none -%}{%- set system_message = ${JSON.stringify(VICUNA_SYSTEM)} -%}{%- endif -%}` +
  "{{- system_message + ' ' -}}" +
  '{%- for message in turns -%}' +
  "{%- if message.role == 'user' -%}{{- 'USER: ' + text(message.content) + ' ' -}}" +
  "{%- elif message.role == 'assistant' -%}{{- 'ASSISTANT: ' + text(message.content) + eos_token -}}{%- endif -%}" +
  '{%- endfor -%}' +
  "{%- if add_generation_prompt -%}{{- 'ASSISTANT:' -}}{%- endif -%}";

export const ZEPHYR =
  TEXT_MACRO +
  '{%- for message in messages -%}' +
  "{%- if message.role in ['system', 'user', 'assistant'] -%}{{- '<|' + message.role + '|>\\n' + text(message.content) + eos_token + '\\n' -}}{%- endif -%}" +
  '{%- endfor -%}' +
  "{%- if add_generation_prompt -%}{{- '<|assistant|>\\n' -}}{%- endif -%}";

/** DeepSeek R1 (and its distills): reasoning before `</think>` is dropped from earlier replies. */
export const DEEPSEEK =
  TEXT_MACRO +
  SYSTEM_SPLIT +
  '{{- bos_token -}}{%- if system_message is not none -%}{{- system_message -}}{%- endif -%}' +
  '{%- for message in turns -%}' +
  "{%- if message.role == 'user' -%}{{- '<｜User｜>' + text(message.content) -}}" +
  "{%- elif message.role == 'assistant' -%}{%- set content = text(message.content) -%}" +
  "{%- if '</think>' in content -%}{%- set content = content.split('</think>')[-1] -%}{%- endif -%}" +
  "{{- '<｜Assistant｜>' + content + '<｜end▁of▁sentence｜>' -}}{%- endif -%}" +
  '{%- endfor -%}' +
  "{%- if add_generation_prompt -%}{{- '<｜Assistant｜><think>\\n' -}}{%- endif -%}";
