import { Environment, Interpreter, type EngineEnvironment, type EngineNode } from './jinja-engine.js';
import {
  createBoolean,
  createDict,
  createKeywordArguments,
  createList,
  createString,
  createFloat,
  createFunction,
  createInteger,
  dictKey,
  entriesOf,
  functionOf,
  isFunction,
  isList,
  isNumeric,
  isString,
  isTuple,
  isUndefined,
  itemsOf,
  numberOf,
  type RuntimeValue,
} from './engine-values.js';
import { ITERABLE_NODE, OUTPUT_NODE, type AstNode } from './program-transform.js';
import { pythonStr } from './python-format.js';
import {
  isTruthy,
  pythonBinary,
  pythonCompare,
  pythonContains,
  pythonEquals,
  pythonTypeName,
} from './python-operators.js';
import { getAttribute, getItem, getSlice } from './member-access.js';
import { applyFilter } from './jinja-filters.js';
import { runTest } from './jinja-tests.js';
import { iterate } from './python-iteration.js';
import type { RenderBudget } from './render-budget.js';
import { TemplateRenderError } from '../template-error.js';

const COMPARISONS: Record<string, (order: number) => boolean> = {
  '<': (order) => order < 0,
  '<=': (order) => order <= 0,
  '>': (order) => order > 0,
  '>=': (order) => order >= 0,
};

/**
 * The engine's interpreter with Python's value semantics layered on top.
 *
 * Statements (if/for/set/macro/call) still run in @huggingface/jinja; every
 * expression node whose behaviour differs from jinja2 is evaluated here instead,
 * and every evaluation is counted against a {@link RenderBudget}.
 */
export class PythonInterpreter extends Interpreter {
  constructor(
    environment: EngineEnvironment,
    private readonly budget: RenderBudget,
  ) {
    super(environment);
  }

  override evaluate(statement: EngineNode, environment: EngineEnvironment): RuntimeValue {
    if (statement === undefined) return super.evaluate(statement, environment);
    this.budget.enter();
    try {
      const result = this.evaluateNode(statement as AstNode, environment);
      if (isString(result)) this.budget.checkSize((result.value as string).length);
      else if (isList(result)) this.budget.checkSize(itemsOf(result).length);
      return result;
    } finally {
      this.budget.leave();
    }
  }

  private value(node: unknown, environment: EngineEnvironment): RuntimeValue {
    return this.evaluate(node as EngineNode, environment);
  }

  private evaluateNode(node: AstNode, environment: EngineEnvironment): RuntimeValue {
    switch (node.type) {
      case OUTPUT_NODE:
        return createString(pythonStr(this.value(node.expression, environment)));
      case ITERABLE_NODE: {
        const items = iterate(this.value(node.expression, environment));
        // Every iteration of the loop counts, whether or not its body evaluates anything.
        this.budget.spend(items.length);
        return createList(
          node.unpack ? items.map((item) => (isTuple(item) ? createList(itemsOf(item)) : item)) : items,
        );
      }
      case 'BinaryExpression':
        return this.binary(node, environment);
      case 'UnaryExpression':
        return this.unary(node, environment);
      case 'MemberExpression':
        return this.member(node, environment);
      case 'FilterExpression':
        return this.filter(node.filter as AstNode, this.value(node.operand, environment), environment);
      case 'FilterStatement':
        return this.filter(node.filter as AstNode, this.renderBody(node.body as AstNode[], environment), environment);
      case 'TestExpression': {
        const result = runTest((node.test as AstNode).value as string, this.value(node.operand, environment), []);
        return createBoolean(node.negate ? !result : result);
      }
      case 'CallExpression':
        return this.call(node, environment);
      case 'Macro':
        return this.macro(node, environment);
      case 'ObjectLiteral':
        return this.dictLiteral(node.value as Map<AstNode, AstNode>, environment);
      default:
        return super.evaluate(node, environment);
    }
  }

  private binary(node: AstNode, environment: EngineEnvironment): RuntimeValue {
    const operator = (node.operator as { value: string }).value;
    const left = this.value(node.left, environment);
    if (operator === 'and') return isTruthy(left) ? this.value(node.right, environment) : left;
    if (operator === 'or') return isTruthy(left) ? left : this.value(node.right, environment);
    const right = this.value(node.right, environment);
    switch (operator) {
      case '==':
        return createBoolean(pythonEquals(left, right));
      case '!=':
        return createBoolean(!pythonEquals(left, right));
      case 'in':
        return createBoolean(pythonContains(right, left));
      case 'not in':
        return createBoolean(!pythonContains(right, left));
    }
    const comparison = COMPARISONS[operator];
    if (comparison) return createBoolean(comparison(pythonCompare(left, right, operator)));
    return pythonBinary(operator, left, right, this.budget.limits.maxOutputLength);
  }

  private unary(node: AstNode, environment: EngineEnvironment): RuntimeValue {
    const operator = (node.operator as { value: string }).value;
    const operand = this.value(node.argument, environment);
    if (operator === 'not') return createBoolean(!isTruthy(operand));
    if (!isNumeric(operand)) {
      throw new TemplateRenderError(
        `bad operand type for unary ${operator}: '${pythonTypeName(operand)}'`,
        'TypeError',
      );
    }
    const result = operator === '-' ? -numberOf(operand) : numberOf(operand);
    return operand.type === 'FloatValue' ? createFloat(result) : createInteger(result);
  }

  private member(node: AstNode, environment: EngineEnvironment): RuntimeValue {
    const object = this.value(node.object, environment);
    const property = node.property as AstNode;
    if (!node.computed) {
      if (property.type === 'Identifier') return getAttribute(object, property.value as string);
      return getItem(object, this.value(property, environment));
    }
    if (property.type === 'SliceExpression') {
      const bound = (part: unknown): number | undefined => {
        if (part === undefined) return undefined;
        const value = this.value(part, environment);
        if (value.type === 'NullValue' || value.type === 'UndefinedValue') return undefined;
        if (!isNumeric(value)) throw new TemplateRenderError('slice indices must be integers or None', 'TypeError');
        return numberOf(value);
      };
      return getSlice(object, bound(property.start), bound(property.stop), bound(property.step));
    }
    return getItem(object, this.value(property, environment));
  }

  /**
   * jinja2 macros resolve names where they are defined; the engine's resolve
   * them at the call site (so a caller's loop variable would leak in). The
   * engine's macro is kept, but always run from its defining scope, plus the
   * `caller` of a `{% call %}` block.
   */
  private macro(node: AstNode, environment: EngineEnvironment): RuntimeValue {
    const result = super.evaluate(node, environment);
    const name = (node.name as AstNode).value as string;
    const engineMacro = environment.variables.get(name);
    if (engineMacro === undefined || !isFunction(engineMacro)) return result;
    const implementation = functionOf(engineMacro);
    environment.variables.set(
      name,
      createFunction((args, scope) => {
        const definitionScope = new Environment(environment);
        const caller = scope.variables.get('caller');
        if (caller !== undefined) definitionScope.variables.set('caller', caller);
        return implementation(args, definitionScope);
      }),
    );
    return result;
  }

  private call(node: AstNode, environment: EngineEnvironment): RuntimeValue {
    const callee = node.callee as AstNode;
    const target = this.value(callee, environment);
    const args = this.callArguments(node.args as AstNode[], environment);
    if (!isFunction(target)) {
      const name = callee.type === 'Identifier' ? callee.value : (callee.property as AstNode | undefined)?.value;
      const description = `'${typeof name === 'string' ? name : 'value'}'`;
      throw isUndefined(target)
        ? new TemplateRenderError(`${description} is undefined`, 'UndefinedError')
        : new TemplateRenderError(`'${pythonTypeName(target)}' object is not callable`, 'TypeError');
    }
    return functionOf(target)(args, environment);
  }

  private filter(filter: AstNode, operand: RuntimeValue, environment: EngineEnvironment): RuntimeValue {
    if (filter.type === 'Identifier') return applyFilter(filter.value as string, operand, []);
    const name = (filter.callee as AstNode).value as string;
    return applyFilter(name, operand, this.callArguments(filter.args as AstNode[], environment));
  }

  /** Evaluates call arguments the way the engine passes them: keywords last, as one bag. */
  private callArguments(args: AstNode[], environment: EngineEnvironment): RuntimeValue[] {
    const positional: RuntimeValue[] = [];
    const keywords = new Map<string, RuntimeValue>();
    for (const argument of args) {
      if (argument.type === 'KeywordArgumentExpression') {
        keywords.set((argument.key as AstNode).value as string, this.value(argument.value, environment));
      } else if (argument.type === 'SpreadExpression') {
        positional.push(...iterate(this.value(argument.argument, environment)));
      } else if (argument.type === 'KeywordSpreadExpression') {
        for (const [key, value] of entriesOf(this.value(argument.argument, environment))) keywords.set(key, value);
      } else {
        positional.push(this.value(argument, environment));
      }
    }
    return keywords.size > 0 ? [...positional, createKeywordArguments(keywords)] : positional;
  }

  private dictLiteral(literal: Map<AstNode, AstNode>, environment: EngineEnvironment): RuntimeValue {
    const entries = new Map<string, RuntimeValue>();
    for (const [keyNode, valueNode] of literal) {
      const key = this.value(keyNode, environment);
      const mapKey = dictKey(key);
      if (mapKey === undefined) throw new TemplateRenderError(`unhashable type: '${pythonTypeName(key)}'`, 'TypeError');
      entries.set(mapKey, this.value(valueNode, environment));
    }
    return createDict(entries);
  }

  /** Renders a statement list the way the engine's (private) block evaluation does. */
  private renderBody(statements: AstNode[], environment: EngineEnvironment): RuntimeValue {
    let output = '';
    for (const statement of statements) {
      const result = this.value(statement, environment);
      if (result.type !== 'NullValue' && result.type !== 'UndefinedValue') output += pythonStr(result);
    }
    return createString(output);
  }
}
