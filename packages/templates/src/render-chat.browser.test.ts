// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import differences from '../fixtures/jinja-differences.json' with { type: 'json' };
import expected from '../fixtures/jinja-differences.expected.json' with { type: 'json' };
import conversations from '../fixtures/conversations.json' with { type: 'json' };
import { compileTemplate } from './compile-template.js';
import { renderChat } from './render-chat.js';
import { getPreset } from './presets.js';

// The package must work without Node.js APIs: this file runs in a browser-like
// environment and only imports fixtures as modules.
describe('in a browser-like environment', () => {
  it('runs under happy-dom', () => {
    const browser = globalThis as { window?: unknown; document?: { createElement?: unknown } };
    expect(typeof browser.window).toBe('object');
    expect(typeof browser.document?.createElement).toBe('function');
  });

  it('renders a chat with renderChat', () => {
    const output = renderChat(getPreset('chatml')!.template, [{ role: 'user', content: 'Hello from the browser' }], {
      addGenerationPrompt: true,
    });
    expect(output.startsWith('<|im_start|>user\nHello from the browser<|im_end|>\n')).toBe(true);
  });

  it('matches Python jinja2 on the recorded differences', () => {
    const results = expected.cases as Record<string, { output?: string }>;
    for (const testCase of differences.cases) {
      const reference = results[testCase.id];
      if (reference?.output === undefined) continue;
      const context = (testCase as { context?: Record<string, unknown> }).context ?? {};
      expect(compileTemplate(testCase.template).render(context, { now: new Date(conversations.fixedNow) })).toBe(
        reference.output,
      );
    }
  });
});
