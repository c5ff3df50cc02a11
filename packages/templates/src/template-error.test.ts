import { describe, expect, it } from 'vitest';
import { compileTemplate } from './compile-template.js';
import { renderChat } from './render-chat.js';
import { TemplateError, TemplateLimitError, TemplateRenderError, TemplateSyntaxError } from './template-error.js';

function thrown(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

describe('TemplateError', () => {
  it('carries the message of raise_exception', () => {
    const error = thrown(() =>
      renderChat("{{ raise_exception('Roles must alternate: ' ~ messages[0].role) }}", [{ role: 'tool' }]),
    );
    expect(error).toBeInstanceOf(TemplateError);
    expect((error as TemplateError).code).toBe('ERR_TEMPLATE_RAISED');
    expect((error as TemplateError).message).toBe('Roles must alternate: tool');
  });

  it('is recognised across copies of the package by its class brands, not its prototype', () => {
    // What another copy's TemplateSyntaxError carries: the brands of its class and its ancestors.
    const brands = (value: object, ids: string[]) => {
      for (const id of ids) Object.defineProperty(value, Symbol.for(id), { value: true });
      return value;
    };
    const foreign = brands(Object.assign(new Error('from another copy'), { code: 'ERR_TEMPLATE_SYNTAX', line: 3 }), [
      'gpt4all.error',
      '@gpt4all/templates:TemplateError',
      '@gpt4all/templates:TemplateSyntaxError',
    ]);
    expect(foreign instanceof TemplateError).toBe(false);
    expect(TemplateError.isInstance(foreign)).toBe(true);
    expect(TemplateSyntaxError.isInstance(foreign)).toBe(true);
    expect(TemplateLimitError.isInstance(foreign)).toBe(false);
    expect(TemplateError.isInstance(new Error('plain'))).toBe(false);
    expect(TemplateError.isInstance({ code: 'ERR_TEMPLATE_SYNTAX' })).toBe(false);
    // Another package's error is not a template error, whatever its code.
    const engineError = brands(Object.assign(new Error('bad'), { code: 'ERR_TEMPLATE_SYNTAX' }), ['gpt4all.error']);
    expect(TemplateError.isInstance(engineError)).toBe(false);
  });

  it('wraps engine failures in TemplateRenderError with the Python exception name', () => {
    const error = thrown(() => compileTemplate("{{ 'a' + 1 }}").render({}));
    expect(TemplateRenderError.isInstance(error)).toBe(true);
    expect((error as TemplateRenderError).pythonType).toBe('TypeError');
    expect((error as TemplateRenderError).code).toBe('ERR_TEMPLATE_RENDER');
  });
});

describe('syntax errors', () => {
  const cases: { template: string; line: number; column: number; message: RegExp }[] = [
    { template: 'hello\n{% if x %}\nabc', line: 2, column: 1, message: /'if' block is never closed/ },
    { template: 'line1\nline2 {{ x + }}', line: 2, column: 14, message: /Unexpected token/ },
    { template: 'a\n  {% for x in %}{% endfor %}', line: 2, column: 15, message: /Unexpected token/ },
    { template: 'ok\n{# comment', line: 2, column: 1, message: /comment/ },
    { template: 'one\ntwo\n{{ x @ 2 }}', line: 3, column: 1, message: /Unexpected character: @/ },
    { template: 'x\n{{ foo | no_such_filter }}', line: 2, column: 8, message: /No filter named 'no_such_filter'/ },
    { template: '{% if a %}x{% else %}y{% elif b %}z{% endif %}', line: 1, column: 26, message: /elif/ },
  ];
  for (const { template, line, column, message } of cases) {
    it(`reports ${JSON.stringify(template)} at ${line}:${column}`, () => {
      const error = thrown(() => compileTemplate(template));
      expect(TemplateSyntaxError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ code: 'ERR_TEMPLATE_SYNTAX', line, column });
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).toContain(`line ${line}, column ${column}`);
    });
  }

  it('defers unknown filters inside a conditional to render time, as jinja2 does', () => {
    const template = compileTemplate('{% if flag %}{{ x | no_such_filter }}{% endif %}done');
    expect(template.render({ flag: false })).toBe('done');
    expect(() => template.render({ flag: true, x: 1 })).toThrow(/No filter named 'no_such_filter'/);
  });
});
