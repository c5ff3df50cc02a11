import * as jinja from '@huggingface/jinja';
import type { RuntimeValue } from './engine-values.js';

/**
 * Typed view of the @huggingface/jinja exports this package uses.
 *
 * The package's declaration files import siblings without file extensions,
 * which TypeScript cannot resolve under NodeNext, so its exports arrive
 * untyped. These declarations restore the shapes we rely on.
 */
export interface EngineToken {
  value: string;
  type: string;
}

/** A node of the engine's AST (statements and expressions). */
export interface EngineNode {
  type: string;
}

export interface EngineProgram extends EngineNode {
  body: EngineNode[];
}

export interface EngineEnvironment {
  variables: Map<string, RuntimeValue>;
  set(name: string, value: unknown): RuntimeValue;
}

export interface EngineInterpreter {
  run(program: EngineProgram): RuntimeValue;
  evaluate(statement: EngineNode | undefined, environment: EngineEnvironment): RuntimeValue;
}

export const Environment = jinja.Environment as new (parent?: EngineEnvironment) => EngineEnvironment;
export const Interpreter = jinja.Interpreter as new (environment?: EngineEnvironment) => EngineInterpreter;
export const tokenize = jinja.tokenize as (
  source: string,
  options?: { lstrip_blocks?: boolean; trim_blocks?: boolean },
) => EngineToken[];
export const parse = jinja.parse as (tokens: EngineToken[]) => EngineProgram;
