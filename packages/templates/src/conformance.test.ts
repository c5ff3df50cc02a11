import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderChat, type ChatMessage, type ToolDefinition } from './render-chat.js';
import { TemplateError, type TemplateRenderError } from './template-error.js';

const packageDirectory = join(dirname(fileURLToPath(import.meta.url)), '..');
const templatesDirectory = join(packageDirectory, '../../vendor/llama.cpp/models/templates');
const fixturesDirectory = join(packageDirectory, 'fixtures');

interface Conversation {
  id: string;
  addGenerationPrompt: boolean;
  withTools?: boolean;
  messages: ChatMessage[];
}
interface Inputs {
  fixedNow: string;
  bosToken: string;
  eosToken: string;
  tools: ToolDefinition[];
  conversations: Conversation[];
}
type Expected = { output: string } | { error: { kind: string; type: string; message: string } };
interface Fixture {
  template: string;
  sha256: string;
  cases: Record<string, Expected>;
}

const inputs = JSON.parse(readFileSync(join(fixturesDirectory, 'conversations.json'), 'utf8')) as Inputs;
const fixtureFiles = readdirSync(join(fixturesDirectory, 'conformance')).filter((name) => name.endsWith('.json'));

describe.skipIf(!existsSync(templatesDirectory))(
  'conformance with Python jinja2 (vendored llama.cpp templates)',
  () => {
    it('has a fixture for every vendored template', () => {
      const templates = readdirSync(templatesDirectory).filter((name) => name.endsWith('.jinja'));
      const covered = fixtureFiles.map(
        (name) => (JSON.parse(readFileSync(join(fixturesDirectory, 'conformance', name), 'utf8')) as Fixture).template,
      );
      expect(covered.sort()).toEqual(templates.sort());
    });

    for (const file of fixtureFiles) {
      const fixture = JSON.parse(readFileSync(join(fixturesDirectory, 'conformance', file), 'utf8')) as Fixture;
      describe(fixture.template, () => {
        const source = readFileSync(join(templatesDirectory, fixture.template), 'utf8');
        it('is the template the fixture was generated from', () => {
          expect(createHash('sha256').update(source).digest('hex')).toBe(fixture.sha256);
        });
        for (const conversation of inputs.conversations) {
          const expected = fixture.cases[conversation.id];
          if (expected === undefined) continue;
          it(conversation.id, () => {
            const render = (): string =>
              renderChat(source, conversation.messages, {
                addGenerationPrompt: conversation.addGenerationPrompt,
                bosToken: inputs.bosToken,
                eosToken: inputs.eosToken,
                tools: conversation.withTools ? inputs.tools : null,
                now: new Date(inputs.fixedNow),
              });
            if ('output' in expected) {
              expect(render()).toBe(expected.output);
              return;
            }
            let thrown: unknown;
            try {
              render();
            } catch (error) {
              thrown = error;
            }
            expect(TemplateError.isInstance(thrown), `expected ${expected.error.type}: ${expected.error.message}`).toBe(
              true,
            );
            if (expected.error.type === 'TemplateError') {
              expect((thrown as TemplateError).code).toBe('ERR_TEMPLATE_RAISED');
              expect((thrown as TemplateError).message).toBe(expected.error.message);
            } else {
              // The same failure as in Python: the exception class jinja2 raised.
              expect((thrown as TemplateRenderError).pythonType).toBe(expected.error.type);
            }
          });
        }
      });
    }
  },
);
