import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  isLegacyTemplate,
  legacyToJinja,
  parseLegacyTemplate,
  renderLegacyChat,
  type LegacyTemplate,
} from './legacy-template.js';
import { renderChat, type ChatMessage } from './render-chat.js';
import { TemplateError } from './template-error.js';

const here = dirname(fileURLToPath(import.meta.url));
const fixtures = join(here, '..', 'fixtures');
const catalogDirectory = join(here, '../../../../shared/fixtures/gpt4all');

interface LegacyCases {
  templates: (LegacyTemplate & { id: string })[];
  conversations: { id: string; addGenerationPrompt: boolean; messages: ChatMessage[] }[];
}
const inputs = JSON.parse(readFileSync(join(fixtures, 'legacy-cases.json'), 'utf8')) as LegacyCases;
const expected = (
  JSON.parse(readFileSync(join(fixtures, 'legacy-cases.expected.json'), 'utf8')) as { cases: Record<string, string> }
).cases;

describe('legacy %1/%2 templates (reference fixtures)', () => {
  for (const template of inputs.templates) {
    for (const conversation of inputs.conversations) {
      const key = `${template.id}/${conversation.id}`;
      it(`${key} renders like GPT4All`, () => {
        const options = { addGenerationPrompt: conversation.addGenerationPrompt };
        expect(renderLegacyChat(template, conversation.messages, options)).toBe(expected[key]);
      });
      it(`${key} renders the same through its Jinja conversion`, () => {
        const options = { addGenerationPrompt: conversation.addGenerationPrompt };
        expect(renderChat(legacyToJinja(template), conversation.messages, options)).toBe(expected[key]);
      });
    }
  }
});

describe('legacy template validation', () => {
  it.each(['no placeholder', '%2 before %1', '%1 %2 %2', '%1 %1'])('rejects %j', (promptTemplate) => {
    expect(() => parseLegacyTemplate(promptTemplate)).toThrow(TemplateError);
    try {
      parseLegacyTemplate(promptTemplate);
    } catch (error) {
      expect((error as TemplateError).code).toBe('ERR_TEMPLATE_INVALID');
    }
  });

  it('rejects tool messages in both renderings', () => {
    const template = { promptTemplate: 'U: %1\nA: %2\n' };
    const messages: ChatMessage[] = [{ role: 'tool', content: '42' }];
    expect(() => renderLegacyChat(template, messages)).toThrow(/only system, user and assistant/);
    expect(() => renderChat(legacyToJinja(template), messages)).toThrow(/only system, user and assistant/);
  });

  it('tells legacy templates from Jinja ones', () => {
    expect(isLegacyTemplate('### Human: %1 ### Assistant: %2')).toBe(true);
    expect(isLegacyTemplate("{{ '%1' }}")).toBe(false);
    expect(isLegacyTemplate('no placeholder')).toBe(false);
  });
});

interface CatalogEntry {
  name: string;
  promptTemplate?: string;
  systemPrompt?: string;
}

function catalogTemplates(): CatalogEntry[] {
  return ['models2.json', 'models3.json'].flatMap((file) =>
    (JSON.parse(readFileSync(join(catalogDirectory, file), 'utf8')) as CatalogEntry[]).filter(
      (entry) => typeof entry.promptTemplate === 'string',
    ),
  );
}

describe.skipIf(!existsSync(catalogDirectory))('legacy templates of the GPT4All catalog', () => {
  const conversation: ChatMessage[] = [
    { role: 'user', content: 'First question?' },
    { role: 'assistant', content: 'First answer.' },
    { role: 'user', content: 'Second question?' },
    { role: 'assistant', content: 'Second answer.' },
    { role: 'user', content: 'Third question?' },
  ];

  it('has legacy templates to check', () => {
    expect(catalogTemplates().length).toBeGreaterThan(10);
  });

  for (const entry of existsSync(catalogDirectory) ? catalogTemplates() : []) {
    const template = { promptTemplate: entry.promptTemplate!, systemPrompt: entry.systemPrompt ?? '' };
    it(`${entry.name}: multi-turn rendering fills the placeholders turn by turn`, () => {
      // Substituting into the template text is how GPT4All describes %1/%2; a
      // template without %2 ends each reply with a blank line.
      const hasReplySlot = template.promptTemplate.includes('%2');
      const fill = (question: string, answer: string): string =>
        hasReplySlot
          ? template.promptTemplate.replace('%1', question).replace('%2', answer)
          : `${template.promptTemplate.replace('%1', question)}${answer}\n\n`;
      const pending = template.promptTemplate.replace('%1', 'Third question?').split('%2')[0];
      expect(renderLegacyChat(template, conversation, { addGenerationPrompt: true })).toBe(
        template.systemPrompt +
          fill('First question?', 'First answer.') +
          fill('Second question?', 'Second answer.') +
          pending,
      );
    });
    it(`${entry.name}: the Jinja conversion renders identically`, () => {
      for (const addGenerationPrompt of [true, false]) {
        for (const length of [1, 2, 4, 5]) {
          const messages = conversation.slice(0, length);
          expect(renderChat(legacyToJinja(template), messages, { addGenerationPrompt })).toBe(
            renderLegacyChat(template, messages, { addGenerationPrompt }),
          );
        }
      }
    });
    it(`${entry.name}: earlier turns are a prefix of later renderings`, () => {
      const history = renderLegacyChat(template, conversation.slice(0, 4));
      expect(renderLegacyChat(template, conversation, { addGenerationPrompt: true }).startsWith(history)).toBe(true);
    });
  }
});
