import { describe, expect, it } from 'vitest';
import { parseAssistantOutput } from './parse-assistant-output.js';
import { FAMILY_TEMPLATES, TOOLS, familyFormat, formatOf } from './test-fixtures.js';
import type { ToolCallFormatId } from './tool-call-format.js';
import { gbnfLiteral, toolCallGrammarPlan, type GrammarPlan } from './tool-call-grammar.js';

const FAMILIES = Object.keys(FAMILY_TEMPLATES) as ToolCallFormatId[];
const RULE_NAME = /^[a-z0-9-]+$/;

/** Decodes a GBNF string literal body (the escapes gbnfLiteral writes). */
function unescape(body: string): string {
  return body.replace(/\\(x[0-9a-fA-F]{2}|.)/g, (_, e: string) =>
    e[0] === 'x' ? String.fromCharCode(parseInt(e.slice(1), 16)) : ({ n: '\n', r: '\r', t: '\t' } as Record<string, string>)[e] ?? e,
  );
}

/**
 * Renders the one string a rule body produces when each referenced rule expands to `values[name]`,
 * optional items (`x?`, `( … )?`) and repetitions are left out. Enough for the call bodies of the plans.
 */
function render(body: string, plan: GrammarPlan, values: Record<string, string>): string {
  let out = '';
  let i = 0;
  while (i < body.length) {
    const c = body[i]!;
    if (c === ' ') {
      i++;
    } else if (c === '"') {
      let j = i + 1;
      while (body[j] !== '"') j += body[j] === '\\' ? 2 : 1;
      const lit = unescape(body.slice(i + 1, j));
      i = j + 1;
      if (body[i] === '?') i++;
      else out += lit;
    } else if (c === '(') {
      let depth = 0;
      let j = i;
      do {
        if (body[j] === '(') depth++;
        if (body[j] === ')') depth--;
        j++;
      } while (depth > 0);
      if (body[j] !== '?') throw new Error('only optional groups are rendered');
      i = j + 1;
    } else if (c === '[') {
      i = body.indexOf(']', i) + 1;
      if ('*?'.includes(body[i]!)) i++;
    } else {
      const m = /^[a-z0-9-]+/.exec(body.slice(i))!;
      const name = m[0];
      i += name.length;
      if (name in values) out += values[name];
      else {
        const rule = plan.rules.find((r) => r.name === name);
        if (!rule) throw new Error(`no value for ${name}`);
        out += render(rule.body, plan, values);
      }
    }
  }
  return out;
}

describe('gbnfLiteral', () => {
  it('escapes quotes, backslashes and control characters', () => {
    expect(gbnfLiteral('a"b\\c\nd\te\u0001')).toBe('"a\\"b\\\\c\\nd\\te\\x01"');
    expect(gbnfLiteral('<｜tool▁sep｜>')).toBe('"<｜tool▁sep｜>"');
  });
});

describe('toolCallGrammarPlan', () => {
  it('builds the Hermes grammar of the brief', () => {
    const plan = toolCallGrammarPlan(formatOf('Qwen-Qwen2.5-7B-Instruct.jinja'), TOOLS, 'auto');
    expect(plan.schemas.map((s) => s.name)).toEqual(['tool-0-args', 'tool-1-args']);
    expect(plan.schemas[0]!.schema).toBe(TOOLS[0]!.function.parameters);
    expect(plan.rules).toContainEqual({
      name: 'tool-0-call',
      body: '"<tool_call>\\n" "{\\"name\\": \\"get_weather\\", \\"arguments\\": " tool-0-args "}" "\\n</tool_call>"',
    });
    expect(plan.rules).toContainEqual({ name: 'root', body: 'tool-0-call | tool-1-call' });
    expect(plan.triggerPatterns).toEqual(['<tool_call>']);
  });

  it('limits a named choice to that tool and drops the triggers for forced calls', () => {
    const plan = toolCallGrammarPlan(familyFormat('hermes'), TOOLS, { name: 'special_function' });
    expect(plan.rules.find((r) => r.name === 'root')!.body).toBe('tool-1-call');
    expect(plan.schemas.map((s) => s.name)).toEqual(['tool-1-args']);
    expect(plan.triggerPatterns).toEqual([]);
    expect(toolCallGrammarPlan(familyFormat('hermes'), TOOLS, 'required').triggerPatterns).toEqual([]);
    expect(() => toolCallGrammarPlan(familyFormat('hermes'), TOOLS, { name: 'nope' })).toThrow(RangeError);
  });

  describe.each(FAMILIES)('%s', (id) => {
    const format = familyFormat(id);

    it('has well-formed rules and schemas', () => {
      for (const choice of ['auto', 'required'] as const) {
        const plan = toolCallGrammarPlan(format, TOOLS, choice);
        const names = [...plan.schemas.map((s) => s.name), ...plan.rules.map((r) => r.name)];
        expect(new Set(names).size).toBe(names.length);
        for (const n of names) expect(n).toMatch(RULE_NAME);
        expect(names).toContain('root');
        expect(names).not.toContain('space');
        // Every identifier a rule uses is defined (or `space`, which the schema converter defines).
        for (const r of plan.rules) {
          const refs = r.body.replace(/"(?:\\.|[^"\\])*"/g, '').replace(/\[(?:\\.|[^\]\\])*\]/g, '').replace(/\{\d+(?:,\d*)?\}/g, '').match(/[a-z0-9-]+/g) ?? [];
          for (const ref of refs) expect(names.concat('space')).toContain(ref);
        }
        if (choice === 'auto') {
          expect(plan.triggerPatterns.length).toBeGreaterThan(0);
          for (const p of plan.triggerPatterns) expect(() => new RegExp(p)).not.toThrow();
        } else expect(plan.triggerPatterns).toEqual([]);
      }
    });

    it('produces calls the parser reads back', () => {
      const plan = toolCallGrammarPlan(format, TOOLS, { name: 'special_function' });
      const values = {
        'tool-1-args': '{"arg1": 1}',
        'tool-1-arg-0': '1',
        'mistral-id': 'abc123def',
      };
      const sample = render('root', plan, values);
      const out = parseAssistantOutput(sample, format, { tools: TOOLS });
      expect(out.problems).toEqual([]);
      expect(out.text).toBe('');
      expect(out.toolCalls).toHaveLength(1);
      expect(out.toolCalls[0]).toMatchObject({ name: 'special_function', arguments: { arg1: 1 } });
      // The trigger patterns (for 'auto') fire on the sample.
      const auto = toolCallGrammarPlan(format, TOOLS, 'auto');
      expect(auto.triggerPatterns.some((p) => new RegExp(p).test(sample))).toBe(true);
    });

    it('produces string arguments the parser reads back', () => {
      const plan = toolCallGrammarPlan(format, TOOLS, { name: 'get_weather' });
      const sample = render('root', plan, {
        'tool-0-args': '{"location": "Paris"}',
        'tool-0-arg-0': '"Paris"',
        'xml-raw-value': 'Paris',
        'gemma-string': '<|"|>Paris<|"|>',
        'mistral-id': 'abc123def',
      });
      const out = parseAssistantOutput(sample, format, { tools: TOOLS });
      expect(out.problems).toEqual([]);
      expect(out.toolCalls.map(({ name, arguments: args }) => ({ name, args }))).toEqual([
        { name: 'get_weather', args: { location: 'Paris' } },
      ]);
    });
  });

  it('fires thinking families\' triggers only after the thinking block', () => {
    const qwen3 = familyFormat('hermes');
    expect(qwen3.reasoning).toBeDefined();
    const [p] = toolCallGrammarPlan(qwen3, TOOLS, 'auto').triggerPatterns;
    const re = new RegExp(p!);
    expect(re.test('<think>\nmaybe <tool_call>')).toBe(false);
    expect(re.exec('<think>\nmaybe <tool_call> no</think>\n\n<tool_call>\n{')?.index).toBe(0);
    const m = re.exec('<think>a <tool_call> b</think>\nok <tool_call>\n{')!;
    // Group 1 (where llama.cpp starts the grammar) is the trigger after the thinking.
    expect(m.index + m[0].indexOf(m[1]!, m[0].indexOf('</think>'))).toBe('<think>a <tool_call> b</think>\nok '.length);
    expect(m[1]).toBe('<tool_call>');
    expect(re.test('Hello <tool_call>')).toBe(true);
    const [opened] = toolCallGrammarPlan(qwen3, TOOLS, 'auto', { promptOpensReasoning: true }).triggerPatterns;
    expect(new RegExp(opened!).test('maybe <tool_call>')).toBe(false);
    expect(new RegExp(opened!).test('thought</think>\n<tool_call>')).toBe(true);
  });

  it('writes optional XML parameters as optional', () => {
    const plan = toolCallGrammarPlan(familyFormat('qwen3-coder'), TOOLS, { name: 'get_weather' });
    const body = plan.rules.find((r) => r.name === 'tool-0-call')!.body;
    expect(body).toContain('"<parameter=location>\\n" xml-raw-value "\\n</parameter>\\n"');
    expect(body).toContain('( "<parameter=days>\\n" tool-0-arg-1 "\\n</parameter>\\n" )?');
    expect(plan.schemas.map((s) => s.name)).toEqual(['tool-0-args', 'tool-0-arg-1']);
  });

  it('renders hand-written samples for a few families', () => {
    const plan = toolCallGrammarPlan(familyFormat('deepseek-r1'), TOOLS, { name: 'special_function' });
    expect(render('root', plan, { 'tool-1-args': '{"arg1": 1}' })).toBe(
      '<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>function<｜tool▁sep｜>special_function\n```json\n{"arg1": 1}\n```<｜tool▁call▁end｜><｜tool▁calls▁end｜>',
    );
    const mistral = toolCallGrammarPlan(familyFormat('mistral'), TOOLS, { name: 'special_function' });
    expect(render('root', mistral, { 'tool-1-args': '{"arg1": 1}', 'mistral-id': 'abc123def' })).toBe(
      '[TOOL_CALLS][{"name": "special_function", "arguments": {"arg1": 1}, "id": "abc123def"}]',
    );
    const llama = toolCallGrammarPlan(familyFormat('llama3'), TOOLS, { name: 'special_function' });
    expect(render('root', llama, { 'tool-1-args': '{"arg1": 1}' })).toBe('{"name": "special_function", "parameters": {"arg1": 1}}');
  });
});
