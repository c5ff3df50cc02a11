/** One `{{ … }}`, `{% … %}` or `{# … #}` tag found in a template's source. */
export interface TemplateTag {
  kind: 'expression' | 'statement' | 'comment';
  /** Offset of the opening `{`. */
  start: number;
  /** Offset just past the closing delimiter, or the source length when unclosed. */
  end: number;
  /** The tag's inner text, without delimiters or `-`/`+` whitespace markers. */
  body: string;
  closed: boolean;
}

/** A 1-based line and column. */
export interface SourceLocation {
  line: number;
  column: number;
}

const CLOSERS = { expression: '}}', statement: '%}', comment: '#}' } as const;

/**
 * Lists the tags of a template in source order. String literals inside tags are
 * skipped so that a `%}` or `}}` inside quotes does not end the tag early.
 * Only used to point syntax errors at a line and column.
 */
export function scanTemplateTags(source: string): TemplateTag[] {
  const tags: TemplateTag[] = [];
  let offset = 0;
  while (offset < source.length) {
    const open = source.indexOf('{', offset);
    if (open === -1) break;
    const marker = source[open + 1];
    const kind = marker === '{' ? 'expression' : marker === '%' ? 'statement' : marker === '#' ? 'comment' : undefined;
    if (kind === undefined) {
      offset = open + 1;
      continue;
    }
    const closer = CLOSERS[kind];
    let cursor = open + 2;
    let quote: string | undefined;
    let depth = 0;
    let end = -1;
    while (cursor < source.length) {
      const character = source[cursor]!;
      if (kind !== 'comment' && quote !== undefined) {
        if (character === '\\') cursor++;
        else if (character === quote) quote = undefined;
      } else if (kind !== 'comment' && (character === '"' || character === "'")) {
        quote = character;
      } else if (kind === 'expression' && character === '{') {
        depth++;
      } else if (source.startsWith(closer, cursor) && !(kind === 'expression' && depth > 0)) {
        end = cursor + 2;
        break;
      } else if (kind === 'expression' && character === '}') {
        depth--;
      }
      cursor++;
    }
    const closed = end !== -1;
    const innerEnd = closed ? end - 2 : source.length;
    const body = source
      .slice(open + 2, innerEnd)
      .replace(/^[-+]/, '')
      .replace(/-$/, '');
    tags.push({ kind, start: open, end: closed ? end : source.length, body, closed });
    offset = closed ? end : source.length;
  }
  return tags;
}

/** Converts an offset to a 1-based line and column. */
export function locate(source: string, offset: number): SourceLocation {
  let line = 1;
  let lineStart = 0;
  for (let index = 0; index < offset && index < source.length; index++) {
    if (source[index] === '\n') {
      line++;
      lineStart = index + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

const BLOCK_TAGS = new Set(['for', 'if', 'macro', 'call', 'filter', 'generation']);

/** The innermost block statement (`for`, `if`, …) still open at the end of the source, if any. */
export function findUnclosedBlock(tags: TemplateTag[]): { name: string; tag: TemplateTag } | undefined {
  const stack: { name: string; tag: TemplateTag }[] = [];
  for (const tag of tags) {
    if (tag.kind !== 'statement') continue;
    const words = tag.body.trim().split(/\s+/);
    const name = words[0] ?? '';
    // A `set` without `=` opens a block that `endset` closes.
    const opensSetBlock = name === 'set' && !/(^|[^=!<>])=($|[^=])/.test(tag.body);
    if (BLOCK_TAGS.has(name) || opensSetBlock) stack.push({ name, tag });
    else if (name.startsWith('end')) stack.pop();
  }
  return stack.at(-1);
}
