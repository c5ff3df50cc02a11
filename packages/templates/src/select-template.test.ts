import { describe, expect, it } from 'vitest';
import { selectTemplate } from './select-template.js';

const user = '{{ messages[0].content }}';
const catalog = '{% for m in messages %}{{ m.content }}{% endfor %}';
const model = '{{ bos_token }}';

describe('selectTemplate', () => {
  it('prefers the user, then the catalog, then the model', () => {
    expect(selectTemplate({ user, catalog, model })).toEqual({ source: 'user', template: user, legacy: false });
    expect(selectTemplate({ catalog, model })).toEqual({ source: 'catalog', template: catalog, legacy: false });
    expect(selectTemplate({ model })).toEqual({ source: 'model', template: model, legacy: false });
  });

  it('skips blank and missing candidates', () => {
    expect(selectTemplate({ user: '  \n', catalog: null, model })?.source).toBe('model');
    expect(selectTemplate({})).toBeUndefined();
  });

  it('flags legacy %1/%2 templates', () => {
    expect(selectTemplate({ user: '### Human: %1\n### Assistant: %2', model })).toMatchObject({
      source: 'user',
      legacy: true,
    });
    expect(selectTemplate({ catalog: { promptTemplate: '[INST] %1 [/INST]', systemPrompt: '' }, model })).toMatchObject(
      {
        source: 'catalog',
        legacy: true,
      },
    );
  });
});
