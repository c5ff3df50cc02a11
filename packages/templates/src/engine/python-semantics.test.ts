import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compileTemplate } from '../compile-template.js';
import { TemplateError, type TemplateRenderError } from '../template-error.js';

// Filters, tests, methods and operators of the compatibility layer against
// jinja2's results (fixtures from reference/generate-fixtures.py).
const fixtures = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures');
interface SemanticsCase {
  id: string;
  template: string;
  context?: Record<string, unknown>;
}
type Expected = { output: string } | { error: { kind: string; type: string; message: string } };

const { cases } = JSON.parse(readFileSync(join(fixtures, 'python-semantics.json'), 'utf8')) as {
  cases: SemanticsCase[];
};
const expected = (
  JSON.parse(readFileSync(join(fixtures, 'python-semantics.expected.json'), 'utf8')) as {
    cases: Record<string, Expected>;
  }
).cases;
const { fixedNow } = JSON.parse(readFileSync(join(fixtures, 'conversations.json'), 'utf8')) as { fixedNow: string };

describe('Python semantics of the compatibility layer', () => {
  for (const testCase of cases) {
    it(testCase.id, () => {
      const reference = expected[testCase.id]!;
      const render = (): string =>
        compileTemplate(testCase.template).render(testCase.context ?? {}, { now: new Date(fixedNow) });
      if ('output' in reference) {
        expect(render()).toBe(reference.output);
        return;
      }
      let thrown: unknown;
      try {
        render();
      } catch (error) {
        thrown = error;
      }
      expect(TemplateError.isInstance(thrown)).toBe(true);
      if (reference.error.type === 'TemplateError') {
        expect((thrown as TemplateError).message).toBe(reference.error.message);
      } else {
        expect((thrown as TemplateRenderError).pythonType).toBe(reference.error.type);
      }
    });
  }
});
