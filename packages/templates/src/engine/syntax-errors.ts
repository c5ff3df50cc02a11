import { parse, tokenize, type EngineProgram, type EngineToken } from './jinja-engine.js';
import { findUnclosedBlock, locate, scanTemplateTags, type SourceLocation, type TemplateTag } from './template-tags.js';
import { TemplateSyntaxError } from '../template-error.js';
import { normalizeStringEscapes } from './string-escapes.js';
import { applyWhitespaceModifiers } from './whitespace-modifiers.js';

type Token = EngineToken;

/** Same whitespace options transformers gives jinja2. */
const LEXER_OPTIONS = { lstrip_blocks: true, trim_blocks: true } as const;

const TAG_OPENING_TOKENS = new Set(['OpenStatement', 'OpenExpression', 'Comment']);

// The engine drops transformers' `generation` tags before lexing, so they yield no tokens.
const isGenerationTag = (tag: TemplateTag): boolean =>
  tag.kind === 'statement' && /^\s*(end)?generation\s*$/.test(tag.body);

function tokenTags(source: string): TemplateTag[] {
  return scanTemplateTags(source).filter((tag) => !isGenerationTag(tag));
}

/** Finds the tag whose inclusion first makes the lexer fail. */
function locateLexerError(source: string): SourceLocation | undefined {
  const tags = tokenTags(source);
  const unclosed = tags.find((tag) => !tag.closed);
  let low = 0;
  let high = tags.length - 1;
  let failing: TemplateTag | undefined;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const tag = tags[middle]!;
    try {
      tokenize(source.slice(0, tag.end), LEXER_OPTIONS);
      low = middle + 1;
    } catch {
      failing = tag;
      high = middle - 1;
    }
  }
  const tag = failing ?? unclosed;
  return tag === undefined ? undefined : locate(source, tag.start);
}

/** Maps the index of the token the parser stopped at back to the source. */
function locateToken(source: string, tokens: Token[], index: number): SourceLocation | undefined {
  const tags = tokenTags(source);
  if (index >= tokens.length) {
    const block = findUnclosedBlock(tags);
    return block ? locate(source, block.tag.start) : locate(source, source.length);
  }
  let tagNumber = -1;
  let tagTokenIndex = 0;
  for (let position = 0; position <= index; position++) {
    if (TAG_OPENING_TOKENS.has(tokens[position]!.type)) {
      tagNumber++;
      tagTokenIndex = position;
    }
  }
  const tag = tags[tagNumber];
  if (tag === undefined) return undefined;
  let offset = tag.start;
  let cursor = tag.start + 2;
  for (let position = tagTokenIndex + 1; position <= index; position++) {
    const found = source.indexOf(tokens[position]!.value, cursor);
    if (found === -1 || found >= tag.end) break;
    offset = found;
    cursor = found + tokens[position]!.value.length;
  }
  return locate(source, offset);
}

/** Re-parses with a tracking proxy to learn which token the parser failed at. */
function failingTokenIndex(tokens: Token[]): number {
  let furthest = 0;
  const tracked = new Proxy(tokens, {
    get(target, property, receiver) {
      if (typeof property === 'string' && /^\d+$/.test(property)) furthest = Math.max(furthest, Number(property));
      return Reflect.get(target, property, receiver) as unknown;
    },
  });
  try {
    parse(tracked);
  } catch {
    // Expected: we only wanted to observe how far the parser read.
  }
  return furthest;
}

/**
 * The engine's lexer has no exponent notation: `1e20` arrives as the number 1
 * followed by the name `e20` (and `1e-5` as 1, `e`, `-`, 5). Python reads a
 * float, so such runs are merged back into one float literal.
 */
export function mergeExponentLiterals(tokens: Token[]): Token[] {
  const merged: Token[] = [];
  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index]!;
    const next = tokens[index + 1];
    if (token.type === 'NumericLiteral' && !/e/i.test(token.value) && next?.type === 'Identifier') {
      const mantissa = token.value.includes('.') ? token.value : `${token.value}.0`;
      if (/^[eE]\d+$/.test(next.value)) {
        merged.push({ ...token, value: `${mantissa}${next.value}` });
        index += 1;
        continue;
      }
      const sign = tokens[index + 2];
      const digits = tokens[index + 3];
      if (
        /^[eE]$/.test(next.value) &&
        sign?.type === 'AdditiveBinaryOperator' &&
        /^[-+]$/.test(sign.value) &&
        digits?.type === 'NumericLiteral' &&
        /^\d+$/.test(digits.value)
      ) {
        merged.push({ ...token, value: `${mantissa}e${sign.value}${digits.value}` });
        index += 3;
        continue;
      }
    }
    merged.push(token);
  }
  return merged;
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Tokenizes and parses, turning engine errors into {@link TemplateSyntaxError}s with a line and column. */
export function parseTemplate(original: string): EngineProgram {
  // jinja2 reads every line ending as "\n" before lexing (trim_blocks depends on it).
  // These steps keep lines intact (except a rare `+%}`), so locations match the original.
  const source = applyWhitespaceModifiers(normalizeStringEscapes(original.replace(/\r\n?/g, '\n')));
  let tokens: Token[];
  try {
    tokens = mergeExponentLiterals(tokenize(source, LEXER_OPTIONS));
  } catch (error) {
    throw new TemplateSyntaxError(messageOf(error), locateLexerError(source) ?? {}, { cause: error });
  }
  try {
    return parse(tokens);
  } catch (error) {
    const index = failingTokenIndex(tokens);
    const block = index >= tokens.length ? findUnclosedBlock(tokenTags(source)) : undefined;
    // Reading past the last token means a block or expression was left open.
    const message = block
      ? `Unexpected end of template: the '${block.name}' block is never closed`
      : error instanceof TypeError
        ? 'Unexpected end of template'
        : messageOf(error);
    throw new TemplateSyntaxError(message, locateToken(source, tokens, index) ?? {}, { cause: error });
  }
}

/** Where `| name` (a filter) or `is name` (a test) first appears. */
export function locateName(source: string, kind: 'filter' | 'test', name: string): SourceLocation | undefined {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern =
    kind === 'filter' ? new RegExp(`\\|\\s*${escaped}\\b`) : new RegExp(`\\bis\\s+(not\\s+)?${escaped}\\b`);
  const match = pattern.exec(source);
  return match ? locate(source, match.index) : undefined;
}
