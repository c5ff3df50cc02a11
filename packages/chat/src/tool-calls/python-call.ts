/**
 * Python-style calls, as some models write tool calls:
 * - Llama 3.1 built-in tools after `<|python_tag|>`: `brave_search.call(query="x")`
 *   (meta-llama-Llama-3.1-8B-Instruct.jinja; llama.cpp's former `common_chat_parse_llama_3_1`);
 * - LFM2 lists: `[get_time(city="Paris"), toggle(enabled=True)]` (LFM2-8B-A1B.jinja; `common_chat_params_init_lfm2`).
 *
 * Keyword arguments only; values are Python literals (strings with either quote, numbers,
 * True/False/None, lists, dicts) and JSON literals (true/false/null), since models mix both.
 */

/** One parsed call: `name(k=v, …)`; `name.call(…)` yields `name` without `.call`. */
export interface PythonCall {
  name: string;
  arguments: Record<string, unknown>;
}

/** Result of {@link parsePythonCalls}. */
export type PythonCallsParse =
  | { ok: true; calls: PythonCall[]; end: number }
  | { ok: false; reason: 'incomplete' | 'malformed'; end: number };

class Fail extends Error {
  constructor(readonly reason: 'incomplete' | 'malformed') {
    super(reason);
  }
}

class Reader {
  i: number;
  constructor(
    readonly s: string,
    start: number,
  ) {
    this.i = start;
  }
  ws(): void {
    while (this.i < this.s.length && /\s/.test(this.s[this.i]!)) this.i++;
  }
  peek(): string {
    if (this.i >= this.s.length) throw new Fail('incomplete');
    return this.s[this.i]!;
  }
  expect(c: string): void {
    this.ws();
    if (this.peek() !== c) throw new Fail('malformed');
    this.i++;
  }
  ident(): string {
    this.ws();
    const m = /^[A-Za-z_][\w.-]*/.exec(this.s.slice(this.i, this.i + 256));
    if (!m) {
      if (this.i >= this.s.length) throw new Fail('incomplete');
      throw new Fail('malformed');
    }
    this.i += m[0].length;
    if (this.i >= this.s.length) throw new Fail('incomplete');
    return m[0];
  }
  value(): unknown {
    this.ws();
    const c = this.peek();
    if (c === '"' || c === "'") return this.string(c);
    if (c === '[' || c === '(') return this.list(c === '[' ? ']' : ')');
    if (c === '{') return this.dict();
    const m = /^(?:-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|True|False|None|true|false|null)/.exec(
      this.s.slice(this.i, this.i + 64),
    );
    if (!m) throw new Fail('malformed');
    this.i += m[0].length;
    if (this.i >= this.s.length) throw new Fail('incomplete');
    switch (m[0]) {
      case 'True':
      case 'true':
        return true;
      case 'False':
      case 'false':
        return false;
      case 'None':
      case 'null':
        return null;
      default:
        return Number(m[0]);
    }
  }
  string(quote: string): string {
    this.i++;
    let out = '';
    for (;;) {
      const c = this.peek();
      this.i++;
      if (c === quote) return out;
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = this.peek();
      this.i++;
      const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', '0': '\0' };
      if (e in simple) out += simple[e];
      else if (e === 'u') {
        const hex = this.s.slice(this.i, this.i + 4);
        if (hex.length < 4) throw new Fail('incomplete');
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new Fail('malformed');
        out += String.fromCharCode(parseInt(hex, 16));
        this.i += 4;
      } else out += e;
    }
  }
  list(close: string): unknown[] {
    this.i++;
    const out: unknown[] = [];
    this.ws();
    if (this.peek() === close) {
      this.i++;
      return out;
    }
    for (;;) {
      out.push(this.value());
      this.ws();
      const c = this.peek();
      this.i++;
      if (c === close) return out;
      if (c !== ',') throw new Fail('malformed');
    }
  }
  dict(): Record<string, unknown> {
    this.i++;
    const out: Record<string, unknown> = {};
    this.ws();
    if (this.peek() === '}') {
      this.i++;
      return out;
    }
    for (;;) {
      const key = this.value();
      if (typeof key !== 'string' && typeof key !== 'number') throw new Fail('malformed');
      this.expect(':');
      out[String(key)] = this.value();
      this.ws();
      const c = this.peek();
      this.i++;
      if (c === '}') return out;
      if (c !== ',') throw new Fail('malformed');
    }
  }
  call(): PythonCall {
    let name = this.ident();
    if (name.endsWith('.call')) name = name.slice(0, -'.call'.length);
    this.expect('(');
    const args: Record<string, unknown> = {};
    this.ws();
    if (this.peek() === ')') {
      this.i++;
      return { name, arguments: args };
    }
    for (;;) {
      const key = this.ident();
      this.expect('=');
      args[key] = this.value();
      this.ws();
      const c = this.peek();
      this.i++;
      if (c === ')') return { name, arguments: args };
      if (c !== ',') throw new Fail('malformed');
    }
  }
}

/**
 * Parses `name(k=v, …)` or a bracketed list `[a(…), b(…)]` starting at `start`. Never throws.
 */
export function parsePythonCalls(text: string, start: number): PythonCallsParse {
  const r = new Reader(text, start);
  try {
    r.ws();
    if (r.peek() === '[') {
      r.i++;
      const calls: PythonCall[] = [];
      r.ws();
      if (r.peek() === ']') {
        r.i++;
        return { ok: true, calls, end: r.i };
      }
      for (;;) {
        calls.push(r.call());
        r.ws();
        const c = r.peek();
        r.i++;
        if (c === ']') return { ok: true, calls, end: r.i };
        if (c !== ',') throw new Fail('malformed');
      }
    }
    return { ok: true, calls: [r.call()], end: r.i };
  } catch (e) {
    if (e instanceof Fail) return { ok: false, reason: e.reason, end: Math.min(r.i, text.length) };
    return { ok: false, reason: 'malformed', end: r.i };
  }
}
