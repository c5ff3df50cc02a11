import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compileTemplate } from '../compile-template.js';
import { TemplateError, TemplateLimitError } from '../template-error.js';

function limitError(template: string, variables: Record<string, unknown> = {}, limits = {}): TemplateLimitError {
  let caught: unknown;
  const started = Date.now();
  try {
    compileTemplate(template).render(variables, limits);
  } catch (error) {
    caught = error;
  }
  // Whatever the template does, the guard must stop it promptly.
  expect(Date.now() - started).toBeLessThan(5_000);
  expect(TemplateLimitError.isInstance(caught), String(caught)).toBe(true);
  expect((caught as TemplateLimitError).code).toBe('ERR_TEMPLATE_LIMIT');
  return caught as TemplateLimitError;
}

describe('render budget', () => {
  it('refuses a loop over a huge range before allocating it', () => {
    expect(limitError('{% for i in range(10 ** 12) %}x{% endfor %}').limit).toBe('steps');
  });

  it('refuses a huge indentation before building it (indent, tojson)', () => {
    const messages = [{ role: 'user', content: 'a\nb\nc' }, { role: 'assistant', content: 'd' }];
    for (const template of [
      '{{ messages | tojson(indent=100000000) }}',
      '{{ messages | tojson(indent=2000000) }}',
      '{{ "a\\na\\na\\na" | indent(100000000) }}',
      '{{ ("x\\n" * 100000) | indent(1000) }}',
    ]) {
      expect(limitError(template, { messages }).limit, template).toBe('output');
    }
    // Ordinary widths render as jinja2 does.
    expect(compileTemplate('{{ messages | tojson(indent=2) }}').render({ messages: [1] })).toBe('[\n  1\n]');
    expect(compileTemplate('{{ "a\\nb" | indent(2) }}').render({})).toBe('a\n  b');
  });

  it('counts the iterations of loops with empty bodies', () => {
    expect(limitError('{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}', {}, { maxSteps: 200_000 }).limit).toBe('steps');
    // Under the step limit, the clock still stops them.
    expect(limitError("{% for i in range(2000) %}{% for j in range(2000) %}{% endfor %}{% endfor %}", {}, { timeoutMs: 50 }).limit).toBe("time");
  });

  it('stops nested loops that would run for hours', () => {
    const error = limitError(
      '{% for a in range(100000) %}{% for b in range(100000) %}{{ a }}{% endfor %}{% endfor %}',
      {},
      {
        maxSteps: 200_000,
      },
    );
    expect(error.limit).toBe('steps');
  });

  it('counts every evaluation step, also in loops over lists it cannot size up front', () => {
    const items = Array.from({ length: 2_000 }, (_, index) => index);
    const template = '{% for a in items %}{% for b in items %}{{ a }}{% endfor %}{% endfor %}';
    expect(limitError(template, { items }, { maxSteps: 100_000 }).limit).toBe('steps');
  });

  it('stops a string that doubles every iteration', () => {
    const template =
      "{% set ns = namespace(s='ab') %}{% for i in range(200) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s }}";
    expect(limitError(template).limit).toBe('output');
  });

  it('stops string repetition that would exhaust memory', () => {
    expect(() => compileTemplate("{{ 'abc' * 10 ** 12 }}").render({})).toThrow(TemplateError);
  });

  it('stops unbounded macro recursion', () => {
    expect(limitError('{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}').limit).toBe('depth');
  });

  it('stops on the wall clock when steps are expensive', () => {
    const template =
      "{% set ns = namespace(s='x' * 1000) %}{% for i in range(10 ** 6) %}{% set ns.t = ns.s.replace('x', 'y') %}{% endfor %}";
    expect(limitError(template, {}, { timeoutMs: 200, maxSteps: 10 ** 9 }).limit).toBe('time');
  });

  it('leaves ordinary renders alone', () => {
    const messages = Array.from({ length: 2_000 }, (_, index) => ({
      role: index % 2 ? 'assistant' : 'user',
      content: `message ${index}`,
    }));
    const output = compileTemplate('{% for m in messages %}<{{ m.role }}>{{ m.content }}{% endfor %}').render({
      messages,
    });
    expect(output.split('<user>')).toHaveLength(1_001);
  });
});

const templatesDirectory = join(
  dirname(fileURLToPath(import.meta.url)),
  '../../../../vendor/llama.cpp/models/templates',
);

describe.skipIf(!existsSync(templatesDirectory))('never hangs on malformed input', () => {
  it('compiles or rejects every truncation of real templates, and renders what compiles', () => {
    const names = readdirSync(templatesDirectory)
      .filter((name) => name.endsWith('.jinja'))
      .sort();
    // A spread of templates and cut points keeps the run light.
    for (const name of names.filter((_, index) => index % 7 === 0)) {
      const source = readFileSync(join(templatesDirectory, name), 'utf8');
      for (let cut = 1; cut < source.length; cut += Math.max(1, Math.floor(source.length / 25))) {
        try {
          compileTemplate(source.slice(0, cut)).render(
            { messages: [{ role: 'user', content: 'hi' }] },
            { timeoutMs: 1_000 },
          );
        } catch (error) {
          expect(TemplateError.isInstance(error), `${name} cut at ${cut}: ${String(error)}`).toBe(true);
        }
      }
    }
  });
});
