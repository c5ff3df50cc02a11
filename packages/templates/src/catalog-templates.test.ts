import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { detectTemplate } from './detect-template.js';
import { renderChat } from './render-chat.js';
import { selectTemplate } from './select-template.js';

const catalogDirectory = join(dirname(fileURLToPath(import.meta.url)), '../../../../shared/fixtures/gpt4all');

interface CatalogEntry {
  name: string;
  chatTemplate?: string;
  promptTemplate?: string;
  systemPrompt?: string;
  systemMessage?: string;
}

const catalog = (): CatalogEntry[] =>
  ['models2.json', 'models3.json'].flatMap(
    (file) => JSON.parse(readFileSync(join(catalogDirectory, file), 'utf8')) as CatalogEntry[],
  );

describe.skipIf(!existsSync(catalogDirectory))('GPT4All catalog Jinja templates', () => {
  const entries = existsSync(catalogDirectory)
    ? catalog().filter((entry) => typeof entry.chatTemplate === 'string')
    : [];

  it('has Jinja templates to check', () => {
    expect(entries.length).toBeGreaterThan(10);
  });

  for (const entry of entries) {
    it(`${entry.name}: renders a conversation`, () => {
      const messages = [
        { role: 'system', content: entry.systemMessage ?? 'You are helpful.' },
        { role: 'user', content: 'Hello?' },
        { role: 'assistant', content: 'Hi.' },
        { role: 'user', content: 'Bye.' },
      ];
      const output = renderChat(entry.chatTemplate!, messages, {
        addGenerationPrompt: true,
        bosToken: '<s>',
        eosToken: '</s>',
      });
      // Wizard v1.2's catalog template loops over an undefined `loop_messages`, so
      // (as in Python) it renders only the system line; the others show every turn.
      const shown = entry.name === 'Wizard v1.2' ? messages.slice(0, 1) : messages.slice(1);
      for (const message of shown) expect(output).toContain(message.content);
    });

    it(`${entry.name}: wins over the model's own template unless the user sets one`, () => {
      expect(selectTemplate({ catalog: entry.chatTemplate, model: '{{ messages }}' })?.source).toBe('catalog');
      expect(selectTemplate({ user: '{{ x }}', catalog: entry.chatTemplate })?.source).toBe('user');
    });
  }

  it('recognises the ChatML entries as ChatML', () => {
    const chatml = entries.filter((candidate) =>
      ['MPT Chat', 'Nous Hermes 2 Mistral DPO', 'Mistral OpenOrca'].includes(candidate.name),
    );
    expect(chatml.length).toBeGreaterThanOrEqual(3);
    for (const entry of chatml) {
      expect(detectTemplate(entry.chatTemplate!).preset?.name, entry.name).toBe('chatml');
    }
  });
});
