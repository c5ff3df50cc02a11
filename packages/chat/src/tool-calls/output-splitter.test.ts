import { describe, expect, it } from 'vitest';
import { createOutputSplitter, type OutputPart } from './output-splitter.js';
import { parseAssistantOutput } from './parse-assistant-output.js';
import { FAMILY_TEMPLATES, SAMPLE_CALLS, TOOLS, familyFormat, formatOf } from './test-fixtures.js';
import type { ToolCallFormat, ToolCallFormatId } from './tool-call-format.js';

/** Deterministic PRNG (mulberry32) so failures reproduce. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function chunkings(text: string, seed: number): string[][] {
  const out: string[][] = [[text], [...text]];
  const rand = rng(seed);
  for (let n = 0; n < 6; n++) {
    const chunks: string[] = [];
    for (let i = 0; i < text.length; ) {
      const len = 1 + Math.floor(rand() * 8);
      chunks.push(text.slice(i, i + len));
      i += len;
    }
    out.push(chunks);
  }
  return out;
}

interface Case {
  name: string;
  format: ToolCallFormat;
  output: string;
  promptOpensReasoning?: boolean;
  truncated?: boolean;
}

const qwen3 = formatOf('Qwen-Qwen3-0.6B.jinja');
const r1 = formatOf('deepseek-ai-DeepSeek-R1-Distill-Qwen-32B.jinja');
const CASES: Case[] = [
  ...(Object.keys(FAMILY_TEMPLATES) as ToolCallFormatId[]).map((id) => ({
    name: `${id} sample`,
    format: familyFormat(id),
    output: SAMPLE_CALLS[id],
  })),
  ...(Object.keys(FAMILY_TEMPLATES) as ToolCallFormatId[]).map((id) => ({
    name: `${id} truncated sample`,
    format: familyFormat(id),
    output: SAMPLE_CALLS[id].slice(0, SAMPLE_CALLS[id].length - 7),
    truncated: true,
  })),
  { name: 'plain', format: qwen3, output: 'Hello, world!\n\nWhat is up?  \n' },
  { name: 'think then text', format: qwen3, output: '<think>\nI am\nthinking\n</think>\n\nHello!\n' },
  {
    name: 'call inside think',
    format: qwen3,
    output: '<think>x <tool_call>{"name": "a"}</tool_call> y</think>\nAnswer <tool_ and more.',
  },
  { name: 'prompt opens', format: r1, output: 'reasoning here\n</think>\n\nThe answer.', promptOpensReasoning: true },
  { name: 'unclosed think', format: qwen3, output: '<think>\nlong thought <tool_call', truncated: true },
  {
    name: 'malformed call then text',
    format: qwen3,
    output: 'Sure.\n<tool_call>\n{"name": "get_weather", "arguments": {bad}}\n</tool_call>\nSorry.',
  },
  {
    name: 'two calls',
    format: qwen3,
    output:
      'A.\n<tool_call>\n{"name": "get_weather", "arguments": {"location": "x"}}\n</tool_call>\n<tool_call>\n{"name": "special_function", "arguments": {"arg1": 1}}\n</tool_call>',
  },
  { name: 'braces in prose (llama)', format: familyFormat('llama3'), output: 'Use {x} here.' },
  { name: 'leading brace prose (llama)', format: familyFormat('llama3'), output: '{x} is a set.' },
  { name: 'functionary all', format: familyFormat('functionary-v3.2'), output: 'all\nHello there>>>all\nmore' },
  { name: 'functionary word', format: familyFormat('functionary-v3.2'), output: 'Hello' },
  { name: 'granite response', format: familyFormat('granite'), output: '<think>hmm</think><response>Hi <b>!</response>' },
  {
    name: 'gpt-oss final',
    format: familyFormat('gpt-oss'),
    output: '<|channel|>analysis<|message|>thinking<|end|><|start|>assistant<|channel|>final<|message|>Hello',
  },
  { name: 'unknown tool', format: qwen3, output: 'x <tool_call>{"name": "nope", "arguments": {}}</tool_call> y' },
];

function run(c: Case, chunks: string[]) {
  const splitter = createOutputSplitter(c.format, {
    tools: TOOLS,
    ...(c.promptOpensReasoning ? { promptOpensReasoning: true } : {}),
  });
  const parts: OutputPart[] = [];
  for (const chunk of chunks) parts.push(...splitter.push(chunk));
  const end = splitter.finish({ truncated: c.truncated ?? false });
  parts.push(...end.parts);
  return { parts, result: end.result };
}

describe('createOutputSplitter', () => {
  it.each(CASES)('$name: parts add up to the parse result for any chunking', (c) => {
    const expected = parseAssistantOutput(c.output, c.format, {
      tools: TOOLS,
      truncated: c.truncated ?? false,
      promptOpensReasoning: c.promptOpensReasoning ?? false,
    });
    chunkings(c.output, c.output.length).forEach((chunks) => {
      const { parts, result } = run(c, chunks);
      const text = parts.filter((p) => p.type === 'text').map((p) => p.text).join('');
      const reasoning = parts.filter((p) => p.type === 'reasoning').map((p) => p.text).join('');
      expect(text).toBe(result.text);
      expect(reasoning).toBe(result.reasoning ?? '');
      expect(parts.every((p) => p.text !== '')).toBe(true);
      expect({ ...result, toolCalls: result.toolCalls.map(({ id: _id, ...rest }) => rest) }).toEqual({
        ...expected,
        toolCalls: expected.toolCalls.map(({ id: _id, ...rest }) => rest),
      });
    });
  });

  it('streams text and reasoning before the end', () => {
    const s = createOutputSplitter(qwen3);
    expect(s.push('<thi')).toEqual([]);
    expect(s.push('nk>\nAbout ')).toEqual([{ type: 'reasoning', text: 'About' }]);
    expect(s.push('it</th')).toEqual([{ type: 'reasoning', text: ' it' }]);
    expect(s.push('ink>\n\nSure, ')).toEqual([{ type: 'text', text: 'Sure,' }]);
    expect(s.push('checking <tool')).toEqual([{ type: 'text', text: ' checking' }]);
    expect(s.push('_call>\n{"name": "get_weather", ')).toEqual([]);
    const end = s.finish();
    // The call was not complete: it comes back as text.
    expect(end.parts).toEqual([{ type: 'text', text: ' <tool_call>\n{"name": "get_weather",' }]);
    expect(end.result.problems[0]!.reason).toBe('incomplete JSON');
  });

  it('holds back a possible trigger and releases it when it is not one', () => {
    const s = createOutputSplitter(qwen3);
    expect(s.push('a <tool')).toEqual([{ type: 'text', text: 'a' }]);
    expect(s.push('box> b')).toEqual([{ type: 'text', text: ' <toolbox> b' }]);
  });

  it('refuses push after finish', () => {
    const s = createOutputSplitter(qwen3);
    s.finish();
    expect(() => s.push('x')).toThrow();
  });
});
