import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Template } from '@huggingface/jinja';
import { describe, expect, it } from 'vitest';
import { compileTemplate } from './compile-template.js';
import { TemplateError, TemplateSyntaxError, type TemplateRenderError } from './template-error.js';

// Each case records one way @huggingface/jinja on its own differs from Python's
// jinja2; the expected results come from reference/generate-fixtures.py.
const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');
interface DifferenceCase {
  id: string;
  template: string;
  context?: Record<string, unknown>;
  why: string;
  engineAgrees?: boolean;
}
type Expected = { output: string } | { error: { kind: 'syntax' | 'render'; type: string; message: string } };

const { cases } = JSON.parse(readFileSync(join(fixtures, 'jinja-differences.json'), 'utf8')) as {
  cases: DifferenceCase[];
};
const expected = (
  JSON.parse(readFileSync(join(fixtures, 'jinja-differences.expected.json'), 'utf8')) as {
    cases: Record<string, Expected>;
  }
).cases;
const { fixedNow } = JSON.parse(readFileSync(join(fixtures, 'conversations.json'), 'utf8')) as { fixedNow: string };

function outcome(render: () => string): { output: string } | { error: unknown } {
  try {
    return { output: render() };
  } catch (error) {
    return { error };
  }
}

describe('recorded differences between @huggingface/jinja and Python jinja2', () => {
  for (const testCase of cases) {
    const reference = expected[testCase.id]!;
    describe(`${testCase.id}: ${testCase.why}`, () => {
      it('renders like jinja2', () => {
        const result = outcome(() =>
          compileTemplate(testCase.template).render(testCase.context ?? {}, { now: new Date(fixedNow) }),
        );
        if ('output' in reference) {
          expect(result).toEqual({ output: reference.output });
        } else {
          expect('error' in result && TemplateError.isInstance(result.error)).toBe(true);
          const error = (result as { error: TemplateError }).error;
          expect(TemplateSyntaxError.isInstance(error)).toBe(reference.error.kind === 'syntax');
          if (reference.error.kind === 'render') {
            expect((error as TemplateRenderError).pythonType).toBe(reference.error.type);
          }
        }
      });

      it.skipIf(testCase.engineAgrees === true)('differs from the bare engine', () => {
        const bare = outcome(() => new Template(testCase.template).render(testCase.context ?? {}) as string);
        if ('output' in reference) expect(bare).not.toEqual({ output: reference.output });
        else expect('output' in bare).toBe(true);
      });
    });
  }
});
