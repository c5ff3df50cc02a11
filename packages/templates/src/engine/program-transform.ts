/**
 * Rewrites a parsed program so the interpreter can apply Python semantics where
 * the engine's own differ, and checks filter and test names the way jinja2's
 * compiler does.
 */

/** Minimal structural view of the engine's AST nodes. */
export interface AstNode {
  type: string;
  [key: string]: unknown;
}

/** `{{ expression }}`: printed with Python's `str()` (the engine skips `None`, prints `true`). */
export const OUTPUT_NODE = 'PythonOutput';
/** The iterable of a `for` loop: strings, dicts and undefined iterate as in Python. */
export const ITERABLE_NODE = 'PythonIterable';

const STATEMENT_TYPES = new Set([
  'Set',
  'If',
  'For',
  'Macro',
  'CallStatement',
  'FilterStatement',
  'Break',
  'Continue',
  'Comment',
  'StringLiteral',
]);

const BODY_KEYS: Record<string, readonly string[]> = {
  Program: ['body'],
  If: ['body', 'alternate'],
  For: ['body', 'defaultBlock'],
  Set: ['body'],
  Macro: ['body'],
  CallStatement: ['body'],
  FilterStatement: ['body'],
};

/** A filter or test name that is not known at compile time, outside a conditional. */
export interface UnknownName {
  kind: 'filter' | 'test';
  name: string;
}

export interface TransformOptions {
  isKnownFilter(name: string): boolean;
  isKnownTest(name: string): boolean;
}

const isNode = (value: unknown): value is AstNode =>
  typeof value === 'object' && value !== null && typeof (value as AstNode).type === 'string';

function filterName(filter: unknown): string | undefined {
  if (!isNode(filter)) return undefined;
  if (filter.type === 'Identifier') return filter.value as string;
  if (filter.type === 'CallExpression' && isNode(filter.callee)) return filter.callee.value as string;
  return undefined;
}

/**
 * Wraps output expressions and loop iterables in marker nodes (in place) and
 * returns the first unknown filter/test used outside an `if` or inline-if,
 * which jinja2 rejects at compile time.
 */
export function transformProgram(program: AstNode, options: TransformOptions): UnknownName | undefined {
  let unknown: UnknownName | undefined;

  const check = (kind: 'filter' | 'test', name: string | undefined, soft: boolean): void => {
    if (unknown || soft || name === undefined) return;
    const known = kind === 'filter' ? options.isKnownFilter(name) : options.isKnownTest(name);
    if (!known) unknown = { kind, name };
  };

  const visitBody = (statements: unknown, soft: boolean): void => {
    if (!Array.isArray(statements)) return;
    for (let index = 0; index < statements.length; index++) {
      const statement: unknown = statements[index];
      if (!isNode(statement)) continue;
      if (!STATEMENT_TYPES.has(statement.type)) {
        statements[index] = { type: OUTPUT_NODE, expression: statement };
      }
      visit(statement, soft);
    }
  };

  const visit = (node: unknown, soft: boolean): void => {
    if (Array.isArray(node)) {
      for (const item of node) visit(item, soft);
      return;
    }
    if (node instanceof Map) {
      for (const [key, value] of node) {
        visit(key, soft);
        visit(value, soft);
      }
      return;
    }
    if (!isNode(node)) return;
    switch (node.type) {
      case 'If':
        visit(node.test, true);
        visitBody(node.body, true);
        visitBody(node.alternate, true);
        return;
      case 'Ternary':
        visit(node.condition, true);
        visit(node.trueExpr, true);
        visit(node.falseExpr, true);
        return;
      case 'For': {
        const iterable = node.iterable as AstNode;
        // The engine unpacks `for a, b in …` only from lists, not tuples.
        const unpack = (node.loopvar as AstNode).type === 'TupleLiteral';
        // The loop's own frame is not soft, even inside an `if`.
        if (iterable.type === 'SelectExpression') {
          iterable.lhs = { type: ITERABLE_NODE, expression: iterable.lhs, unpack };
          visit((iterable.lhs as AstNode).expression, soft);
          visit(iterable.test, false);
        } else {
          node.iterable = { type: ITERABLE_NODE, expression: iterable, unpack };
          visit(iterable, soft);
        }
        visitBody(node.body, false);
        visitBody(node.defaultBlock, false);
        return;
      }
      case 'Macro':
      case 'CallStatement':
        visit(node.args, false);
        visit(node.call, soft);
        visit(node.callerArgs, false);
        visitBody(node.body, false);
        return;
      case 'FilterStatement':
        check('filter', filterName(node.filter), soft);
        visit(node.filter, soft);
        visitBody(node.body, false);
        return;
      case 'FilterExpression':
        check('filter', filterName(node.filter), soft);
        visit(node.operand, soft);
        visit(node.filter, soft);
        return;
      case 'TestExpression':
        check('test', (node.test as AstNode).value as string, soft);
        visit(node.operand, soft);
        return;
      default: {
        const bodies = BODY_KEYS[node.type];
        for (const [key, value] of Object.entries(node)) {
          if (bodies?.includes(key)) visitBody(value, soft);
          else if (key !== 'type') visit(value, soft);
        }
      }
    }
  };

  visit(program, false);
  return unknown;
}
