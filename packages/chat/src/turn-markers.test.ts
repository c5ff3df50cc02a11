// A chat template's turn markers end the reply whether or not the vocabulary marks them as
// end-of-generation (issue #11, item 3). Each model is scripted: at temperature 0 it says exactly
// what its script says, with its family's real vocabulary and chat template. A model that skips
// its end-of-turn marker and goes on to invent the user's next turn must have the reply cut at the
// marker that opens that turn; a model that ends its turn properly ends with finishReason 'eog'.
import {
  ensureTestModel,
  loadVocabulary,
  resolveModelScript,
  TokenType,
  vocabularyTokens,
  type ModelDims,
  type TestModelOptions,
} from '@gpt4all/test-models';
import { describe, expect, it } from 'vitest';
import { greedy, loadOptions } from '../test/helpers.js';
import { loadModel } from './index.js';

/** Small and F16: five vocabularies of up to 262k tokens, two models each. */
const size: ModelDims = { embeddingLength: 32, blockCount: 1, headCount: 2, headCountKv: 1, feedForwardLength: 32, contextLength: 2048 };

interface Family {
  name: string;
  model: Pick<TestModelOptions, 'architecture' | 'vocab' | 'chatTemplate'>;
  /** The marker that opens the next (user) turn, and the pieces of the invented turn it starts. */
  opensTurn: string;
  inventedTurn: (number | string)[];
  /** The marker that ends the assistant's turn. */
  endsTurn: string;
  /** Whether the markers are control tokens of the vocabulary (else plain text). */
  controlTokens: boolean;
}

const reply = 'Sure thing';

// A scripted model picks each token from the previous one alone, so no script uses the last token
// of its family's prompt (the generation header's `\n`, `\n\n` or `]`): it would start mid-script.
const families: Family[] = [
  {
    name: 'ChatML (Qwen 2.5)',
    model: { architecture: 'qwen2', vocab: 'qwen2', chatTemplate: 'Qwen-Qwen2.5-7B-Instruct' },
    opensTurn: '<|im_start|>',
    inventedTurn: ['<|im_start|>', 'user What next'],
    endsTurn: '<|im_end|>',
    controlTokens: true,
  },
  {
    name: 'Llama 3',
    model: { architecture: 'llama', vocab: 'llama-bpe', chatTemplate: 'meta-llama-Llama-3.1-8B-Instruct' },
    opensTurn: '<|start_header_id|>',
    inventedTurn: ['<|start_header_id|>', 'user', '<|end_header_id|>', 'What next'],
    endsTurn: '<|eot_id|>',
    controlTokens: true,
  },
  {
    // The vendored Gemma vocabulary is Gemma 4's, whose turns are <|turn>role … <turn|> (Gemma 2
    // and 3 spell them <start_of_turn> … <end_of_turn>); the template is Gemma 4's own.
    name: 'Gemma 4',
    model: { architecture: 'llama', vocab: 'gemma-4', chatTemplate: 'google-gemma-4-31B-it' },
    opensTurn: '<|turn>',
    inventedTurn: ['<|turn>', 'user\nWhat next'],
    endsTurn: '<turn|>',
    controlTokens: true,
  },
  {
    // Mistral 7B's SentencePiece vocabulary has no [INST] token: the marker is plain text. The
    // prompt ends with the `]` of [/INST], so the script writes its own `]` as the byte token.
    name: 'Mistral',
    model: { architecture: 'llama', vocab: 'llama-spm', chatTemplate: 'mistralai-Mistral-Nemo-Instruct-2407' },
    opensTurn: '[INST]',
    inventedTurn: ['[INST', byteToken('llama-spm', ']'), 'What next'],
    endsTurn: '</s>',
    controlTokens: false,
  },
  {
    name: 'Phi-3',
    model: { architecture: 'phi3', vocab: 'phi-3', chatTemplate: 'microsoft-Phi-3.5-mini-instruct' },
    opensTurn: '<|user|>',
    inventedTurn: ['<|user|>', 'What next'],
    endsTurn: '<|end|>',
    controlTokens: true,
  },
];

function byteToken(vocab: string, char: string): number {
  const hex = char.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0');
  return vocabularyTokens(loadVocabulary(vocab)).find(`<0x${hex}>`, TokenType.BYTE)!;
}

/**
 * A chat session on `family`'s model scripted to say `emit`. Checks first that the prompt of the
 * first reply does not end with a scripted token, which would start the script in the middle.
 */
async function scriptedChat(family: Family, emit: (number | string)[]) {
  const script = { emit };
  const path = await ensureTestModel({ ...family.model, size, fileType: 'F16', script });
  const model = await loadModel(path, loadOptions);
  const chat = model.createChatSession({ ...greedy, maxTokens: 32 });
  const { tokens } = chat.renderPrompt([{ role: 'user', content: 'Hello' }]);
  const scripted = resolveModelScript(loadVocabulary(family.model.vocab!), script).tokens;
  expect(scripted, 'the prompt ends with a token of the script').not.toContain(tokens.at(-1));
  return { model, chat, engine: model.engine };
}

describe.each(families)('$name turn markers', (family) => {
  it('cut a reply that runs on into an invented next turn (finishReason stop)', async () => {
    const { model, chat, engine } = await scriptedChat(family, [reply, ...family.inventedTurn]);
    try {
      const marker = engine.tokenize(family.opensTurn, { special: true });
      if (family.controlTokens) {
        // A control token that does not end generation: only a stop string can end the reply here.
        expect(marker).toHaveLength(1);
        expect(engine.detokenize(marker)).toBe('');
        expect(engine.isEndOfGeneration(marker[0]!)).toBe(false);
      } else {
        expect(marker.length).toBeGreaterThan(1);
      }
      expect(chat.stopStrings).toContain(family.opensTurn);

      const result = await chat.send('Hello');
      expect(result.text).toBe(reply);
      expect(result.finishReason).toBe('stop');
      expect(chat.messages.at(-1)).toMatchObject({ role: 'assistant', content: reply });
    } finally {
      await model.dispose();
    }
  });

  it('end a reply at the end-of-turn marker (finishReason eog)', async () => {
    const { model, chat, engine } = await scriptedChat(family, [reply, family.endsTurn, ...family.inventedTurn]);
    try {
      const marker = engine.tokenize(family.endsTurn, { special: true });
      expect(marker).toHaveLength(1);
      expect(engine.isEndOfGeneration(marker[0]!)).toBe(true);
      expect(chat.stopStrings).toContain(family.endsTurn);

      const result = await chat.send('Hello');
      expect(result.text).toBe(reply);
      expect(result.finishReason).toBe('eog');
      expect(chat.messages.at(-1)).toMatchObject({ role: 'assistant', content: reply });
    } finally {
      await model.dispose();
    }
  });
});
