import { describe, expect, it } from 'vitest';
import { toolCallFormat } from './families/index.js';
import { parseAssistantOutput } from './parse-assistant-output.js';
import { FAMILY_TEMPLATES, SAMPLE_CALLS, TOOLS, familyFormat, formatOf } from './test-fixtures.js';
import type { ToolCallFormatId } from './tool-call-format.js';

const hermes = formatOf('Qwen-Qwen2.5-7B-Instruct.jinja');
const qwen3 = formatOf('Qwen-Qwen3-0.6B.jinja');
const llama = formatOf('meta-llama-Llama-3.1-8B-Instruct.jinja');
const ID = /^call_[A-Za-z0-9]{24}$/;

describe('parseAssistantOutput: one sample call per family', () => {
  const families = Object.keys(FAMILY_TEMPLATES) as ToolCallFormatId[];
  it.each(families)('%s', (id) => {
    const out = parseAssistantOutput(SAMPLE_CALLS[id], familyFormat(id), { tools: TOOLS });
    expect(out.problems).toEqual([]);
    expect(out.toolCalls).toHaveLength(1);
    expect(out.toolCalls[0]).toMatchObject({ name: 'special_function', arguments: { arg1: 1 } });
    const silent = ['llama3', 'command-r7b', 'gpt-oss', 'generic'].includes(id);
    expect(out.text).toBe(silent ? '' : 'Let me check.');
  });
});

describe('parseAssistantOutput', () => {
  it('returns plain text untouched', () => {
    expect(parseAssistantOutput('Hello, world!\nWhat is up?', hermes)).toEqual({
      text: 'Hello, world!\nWhat is up?',
      reasoning: undefined,
      toolCalls: [],
      problems: [],
    });
  });

  it('reads a Hermes call with text before it and generates an OpenAI-style id', () => {
    const out = parseAssistantOutput(
      'Checking.\n<tool_call>\n{"name": "get_weather", "arguments": {"location": "Paris"}}\n</tool_call>',
      hermes,
    );
    expect(out.text).toBe('Checking.');
    expect(out.toolCalls).toEqual([{ id: expect.stringMatching(ID), name: 'get_weather', arguments: { location: 'Paris' } }]);
  });

  it('reads several calls in one reply', () => {
    const out = parseAssistantOutput(
      '<tool_call>\n{"name": "get_weather", "arguments": {"location": "Paris"}}\n</tool_call>\n' +
        '<tool_call>\n{"name": "special_function", "arguments": {"arg1": 2}}\n</tool_call>',
      hermes,
      { tools: TOOLS },
    );
    expect(out.toolCalls.map((c) => c.name)).toEqual(['get_weather', 'special_function']);
    expect(out.toolCalls[0]!.id).not.toBe(out.toolCalls[1]!.id);
    expect(out.text).toBe('');
  });

  it('keeps malformed JSON as text with a problem, and still reads the next call', () => {
    const bad = '<tool_call>\n{"name": "get_weather", "arguments": {"location": Paris}}\n</tool_call>';
    const out = parseAssistantOutput(
      `${bad}\n<tool_call>{"name": "special_function", "arguments": {"arg1": 1}}</tool_call>`,
      hermes,
    );
    expect(out.text).toBe(bad);
    expect(out.problems).toEqual([{ reason: 'malformed JSON', raw: bad }]);
    expect(out.toolCalls).toHaveLength(1);
  });

  it('decodes arguments written as a JSON string', () => {
    const out = parseAssistantOutput(
      '<tool_call>{"name": "special_function", "arguments": "{\\"arg1\\": 1}"}</tool_call>',
      hermes,
    );
    expect(out.toolCalls[0]!.arguments).toEqual({ arg1: 1 });
  });

  it('rejects arguments that are not an object', () => {
    const raw = '<tool_call>{"name": "special_function", "arguments": [1]}</tool_call>';
    const out = parseAssistantOutput(raw, hermes);
    expect(out.toolCalls).toEqual([]);
    expect(out.problems[0]!.reason).toMatch(/^arguments/);
    expect(out.text).toBe(raw);
  });

  it('reads missing arguments as {}', () => {
    const out = parseAssistantOutput('<tool_call>{"name": "special_function"}</tool_call>', hermes);
    expect(out.toolCalls[0]!.arguments).toEqual({});
  });

  it('leaves prose with braces alone', () => {
    for (const fmt of [hermes, llama, familyFormat('generic'), familyFormat('mistral')]) {
      const out = parseAssistantOutput('Use {x} here, or {"a": 1}.', fmt);
      expect(out).toMatchObject({ text: 'Use {x} here, or {"a": 1}.', toolCalls: [], problems: [] });
    }
    expect(parseAssistantOutput('{x} is a set', llama)).toMatchObject({ text: '{x} is a set', problems: [] });
  });

  it('does not return a call cut off by max_tokens', () => {
    const cut = '<tool_call>\n{"name": "get_weather", "arguments": {"locat';
    const out = parseAssistantOutput(`Sure.\n${cut}`, hermes, { truncated: true });
    expect(out.toolCalls).toEqual([]);
    expect(out.text).toBe(`Sure.\n${cut}`);
    expect(out.problems).toEqual([{ reason: 'truncated', raw: cut }]);
    // A complete call whose closing tag was cut off is not accepted either.
    const unclosed = '<tool_call>\n{"name": "get_weather", "arguments": {"location": "x"}}\n</tool';
    expect(parseAssistantOutput(unclosed, hermes, { truncated: true }).problems[0]!.reason).toBe('truncated');
    // Without truncation, a missing closing tag at the end is tolerated (the model stopped at EOS).
    const eos = '<tool_call>\n{"name": "get_weather", "arguments": {"location": "x"}}';
    expect(parseAssistantOutput(eos, hermes).toolCalls).toHaveLength(1);
    expect(parseAssistantOutput(eos, hermes, { truncated: true }).problems[0]!.reason).toBe('truncated');
  });

  it('reports an unknown tool and keeps its text', () => {
    const raw = '<tool_call>{"name": "launch_rockets", "arguments": {}}</tool_call>';
    const out = parseAssistantOutput(raw, hermes, { tools: TOOLS });
    expect(out.toolCalls).toEqual([]);
    expect(out.problems).toEqual([{ reason: 'unknown tool "launch_rockets"', raw }]);
    expect(out.text).toBe(raw);
  });

  describe('reasoning', () => {
    it('splits <think> from the answer', () => {
      const out = parseAssistantOutput('<think>\nI am\nthinking\n</think>\n\nHello!', qwen3);
      expect(out).toMatchObject({ reasoning: 'I am\nthinking', text: 'Hello!' });
    });

    it('treats a call inside the thinking as reasoning', () => {
      const inner = '<tool_call>{"name": "special_function", "arguments": {"arg1": 1}}</tool_call>';
      const out = parseAssistantOutput(`<think>maybe ${inner}?</think>Answer.`, qwen3);
      expect(out.toolCalls).toEqual([]);
      expect(out.reasoning).toBe(`maybe ${inner}?`);
      expect(out.text).toBe('Answer.');
    });

    it('reads a call after the thinking', () => {
      const out = parseAssistantOutput(
        '<think>\nneed weather\n</think>\n\n<tool_call>\n{"name": "get_weather", "arguments": {"location": "Oslo"}}\n</tool_call>',
        qwen3,
      );
      expect(out.reasoning).toBe('need weather');
      expect(out.toolCalls[0]).toMatchObject({ name: 'get_weather', arguments: { location: 'Oslo' } });
      expect(out.text).toBe('');
    });

    it('starts inside the thinking when the prompt opened it', () => {
      const r1 = formatOf('deepseek-ai-DeepSeek-R1-Distill-Qwen-32B.jinja');
      const out = parseAssistantOutput('I am thinking\n</think>\n\nHi.', r1, { promptOpensReasoning: true });
      expect(out).toMatchObject({ reasoning: 'I am thinking', text: 'Hi.' });
      // Without the flag, the same output is all answer text.
      expect(parseAssistantOutput('Hi.', r1).reasoning).toBeUndefined();
    });

    it('makes an unclosed thinking block all reasoning', () => {
      const out = parseAssistantOutput('<think>\nstill thinking <tool_call>', qwen3, { truncated: true });
      expect(out).toEqual({ reasoning: 'still thinking <tool_call>', text: '', toolCalls: [], problems: [] });
    });

    it('reads Command R7B thinking, response and call ids', () => {
      const fmt = familyFormat('command-r7b');
      expect(
        parseAssistantOutput('<|START_THINKING|>plan<|END_THINKING|><|START_RESPONSE|>Hello<|END_RESPONSE|>', fmt),
      ).toMatchObject({ reasoning: 'plan', text: 'Hello' });
      const out = parseAssistantOutput(
        '<|START_ACTION|>[{"tool_call_id": "0", "tool_name": "get_weather", "parameters": {"location": "x"}}, {"tool_call_id": "1", "tool_name": "special_function", "parameters": {"arg1": 1}}]<|END_ACTION|>',
        fmt,
      );
      expect(out.toolCalls.map((c) => c.id)).toEqual(['0', '1']);
    });

    it('reads Granite thinking and <response> wrapping', () => {
      const out = parseAssistantOutput('<think>hmm</think><response>Hello!</response>', familyFormat('granite'));
      expect(out).toMatchObject({ reasoning: 'hmm', text: 'Hello!' });
    });

    it('reads GPT-OSS channels', () => {
      const fmt = familyFormat('gpt-oss');
      const out = parseAssistantOutput(
        '<|channel|>analysis<|message|>thinking<|end|><|start|>assistant<|channel|>final<|message|>Hello',
        fmt,
      );
      expect(out).toMatchObject({ reasoning: 'thinking', text: 'Hello' });
      expect(
        parseAssistantOutput(' to=functions.get_weather<|channel|>commentary <|constrain|>json<|message|>{"location": "x"}', fmt).toolCalls[0],
      ).toMatchObject({ name: 'get_weather', arguments: { location: 'x' } });
    });
  });

  describe('families', () => {
    it('Llama 3.1 built-in tools after <|python_tag|>', () => {
      expect(parseAssistantOutput('<|python_tag|>brave_search.call(query="today\'s news")', llama).toolCalls[0]).toMatchObject(
        { name: 'brave_search', arguments: { query: "today's news" } },
      );
      expect(
        parseAssistantOutput('<|python_tag|>wolfram_alpha.call(query="2+2")', llama).toolCalls[0],
      ).toMatchObject({ name: 'wolfram_alpha', arguments: { query: '2+2' } });
      expect(
        parseAssistantOutput('<|python_tag|>code_interpreter.call(code="print(1)")', llama).toolCalls[0],
      ).toMatchObject({ name: 'code_interpreter', arguments: { code: 'print(1)' } });
      expect(
        parseAssistantOutput('<|python_tag|>{"name": "get_weather", "parameters": {"location": "x"}}', llama).toolCalls[0],
      ).toMatchObject({ name: 'get_weather', arguments: { location: 'x' } });
    });

    it('Llama 3 bare JSON call', () => {
      const out = parseAssistantOutput('{"type": "function", "name": "get_weather", "parameters": {"location": "Rome"}}', llama);
      expect(out.toolCalls[0]).toMatchObject({ name: 'get_weather', arguments: { location: 'Rome' } });
      const bad = parseAssistantOutput('{"name": "get_weather", "parameters": {"location": "Ro', llama, { truncated: true });
      expect(bad.problems[0]!.reason).toBe('truncated');
    });

    it('Functionary v3.1 raw python after <|python_tag|>', () => {
      const out = parseAssistantOutput('<|python_tag|>import math\nprint(math.pi)', familyFormat('functionary-v3.1'));
      expect(out.toolCalls[0]).toMatchObject({ name: 'python', arguments: { code: 'import math\nprint(math.pi)' } });
    });

    it('Functionary v3.2 text and several calls', () => {
      const fmt = familyFormat('functionary-v3.2');
      expect(parseAssistantOutput('all\nHello!', fmt)).toMatchObject({ text: 'Hello!', toolCalls: [] });
      const out = parseAssistantOutput('get_weather\n{"location": "a"}>>>special_function\n{"arg1": 1}>>>all\nDone.', fmt);
      expect(out.toolCalls.map((c) => c.name)).toEqual(['get_weather', 'special_function']);
      expect(out.text).toBe('Done.');
    });

    it('Mistral ids, arrays and the [ARGS] form', () => {
      const fmt = familyFormat('mistral');
      const out = parseAssistantOutput(
        '[TOOL_CALLS][{"name": "get_weather", "arguments": {"location": "x"}, "id": "abc123def"}, {"name": "special_function", "arguments": {"arg1": 1}, "id": "xyz987uvw"}]',
        fmt,
      );
      expect(out.toolCalls.map((c) => c.id)).toEqual(['abc123def', 'xyz987uvw']);
      const args = familyFormat('mistral-args');
      const two = parseAssistantOutput(
        '[TOOL_CALLS]get_weather[ARGS]{"location": "x"}[TOOL_CALLS]special_function[CALL_ID]a1b2c3d4e[ARGS]{"arg1": 1}',
        args,
      );
      expect(two.toolCalls.map((c) => [c.name, c.id.length])).toEqual([
        ['get_weather', 29],
        ['special_function', 9],
      ]);
      expect(parseAssistantOutput('[THINK]hmm[/THINK]Hi', args)).toMatchObject({ reasoning: 'hmm', text: 'Hi' });
    });

    it('Kimi K2 ids', () => {
      const out = parseAssistantOutput(SAMPLE_CALLS['kimi-k2'], familyFormat('kimi-k2'));
      expect(out.toolCalls[0]!.id).toBe('functions.special_function:0');
    });

    it('XML families decode values by schema', () => {
      const out = parseAssistantOutput(
        '<tool_call>\n<function=get_weather>\n<parameter=location>\n12\n</parameter>\n<parameter=days>\n3\n</parameter>\n</function>\n</tool_call>',
        familyFormat('qwen3-coder'),
        { tools: TOOLS },
      );
      expect(out.toolCalls[0]!.arguments).toEqual({ location: '12', days: 3 });
      const glm = parseAssistantOutput(
        '<tool_call>get_weather<arg_key>location</arg_key><arg_value>New York</arg_value></tool_call>',
        formatOf('GLM-4.7-Flash.jinja'),
      );
      expect(glm.toolCalls[0]!.arguments).toEqual({ location: 'New York' });
    });

    it('Gemma 4 object syntax', () => {
      const fmt = familyFormat('gemma4');
      const out = parseAssistantOutput(
        '<|channel>thought\nhmm<channel|><|tool_call>call:set_config{config:{theme:<|"|>dark, "x"<|"|>,count:3},tags:[<|"|>a<|"|>,"b"],on:true}<tool_call|>',
        fmt,
      );
      expect(out.reasoning).toBe('hmm');
      expect(out.toolCalls[0]).toMatchObject({
        name: 'set_config',
        arguments: { config: { theme: 'dark, "x"', count: 3 }, tags: ['a', 'b'], on: true },
      });
      const cut = parseAssistantOutput('<|tool_call>call:get_weather{location:<|"|>Par', fmt, { truncated: true });
      expect(cut.problems).toEqual([{ reason: 'truncated', raw: '<|tool_call>call:get_weather{location:<|"|>Par' }]);
    });

    it('DeepSeek V3.2 DSML string and JSON parameters', () => {
      const out = parseAssistantOutput(
        '<｜DSML｜function_calls>\n<｜DSML｜invoke name="get_weather">\n<｜DSML｜parameter name="location" string="true">42</｜DSML｜parameter>\n<｜DSML｜parameter name="days" string="false">3</｜DSML｜parameter>\n</｜DSML｜invoke>\n</｜DSML｜function_calls>',
        familyFormat('deepseek-v3.2'),
      );
      expect(out.toolCalls[0]!.arguments).toEqual({ location: '42', days: 3 });
    });

    it('DeepSeek R1 reads several calls and the V3.1 form', () => {
      const r1 = familyFormat('deepseek-r1');
      const call = (n: string, a: string) =>
        `<｜tool▁call▁begin｜>function<｜tool▁sep｜>${n}\n\`\`\`json\n${a}\n\`\`\`<｜tool▁call▁end｜>`;
      const out = parseAssistantOutput(
        `<｜tool▁calls▁begin｜>${call('get_weather', '{"location": "x"}')}\n${call('special_function', '{"arg1": 1}')}<｜tool▁calls▁end｜>`,
        r1,
      );
      expect(out.toolCalls.map((c) => c.name)).toEqual(['get_weather', 'special_function']);
      expect(parseAssistantOutput(SAMPLE_CALLS['deepseek-v3.1'], r1).toolCalls).toHaveLength(1);
    });

    it('LFM2 Python-style lists', () => {
      const out = parseAssistantOutput(
        '<|tool_call_start|>[get_weather(location="Paris", days=2), special_function(arg1=1)]<|tool_call_end|>',
        familyFormat('lfm2'),
      );
      expect(out.toolCalls.map((c) => c.arguments)).toEqual([{ location: 'Paris', days: 2 }, { arg1: 1 }]);
    });

    it('generic response objects are text', () => {
      expect(parseAssistantOutput('{"response": "Hi there"}', familyFormat('generic')).text).toBe('Hi there');
      const many = parseAssistantOutput(
        '{"tool_calls": [{"name": "get_weather", "arguments": {"location": "x"}}, {"name": "special_function", "arguments": {"arg1": 1}}]}',
        familyFormat('generic'),
      );
      expect(many.toolCalls).toHaveLength(2);
    });

    it('never throws on garbage', () => {
      const junk = ['<tool_call>', '<tool_call>{', '[TOOL_CALLS][{"', '<|python_tag|>x.call(', '>>>', '{"name', '<function=', '\u0000{]}['];
      for (const id of Object.keys(FAMILY_TEMPLATES) as ToolCallFormatId[]) {
        const fmt = toolCallFormat(id, { open: '<think>', close: '</think>', promptMayOpen: false });
        for (const j of junk) {
          for (const truncated of [false, true]) {
            const out = parseAssistantOutput(j + SAMPLE_CALLS[id].slice(0, 20), fmt, { truncated });
            expect(out.toolCalls.length + out.problems.length + out.text.length).toBeGreaterThanOrEqual(0);
          }
        }
      }
    });
  });
});
