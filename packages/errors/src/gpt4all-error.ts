/** The brand every GPT4All error carries, whichever package and copy of it made the error. */
const BASE_BRAND = Symbol.for('gpt4all.error');
/** Where a class keeps its own brand (a static, non-enumerable property). */
const CLASS_BRAND = Symbol.for('gpt4all.error.class');

/**
 * The base of every error a `@gpt4all/*` package throws. Branch on {@link Gpt4AllError.code},
 * which is stable across versions; messages are for people and may change.
 *
 * Identity: `SomeError.isInstance(value)` holds exactly for instances of `SomeError` and its
 * subclasses, also when they come from another copy of the package (two versions in
 * `node_modules`, where `instanceof` fails). Each class is branded once with {@link brandError}.
 */
export class Gpt4AllError<Code extends string = string> extends Error {
  /** The stable code, such as `ERR_NOT_GGUF`. */
  readonly code: Code;

  constructor(code: Code, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = 'Gpt4AllError';
  }

  /**
   * Whether `value` is an instance of this class (or of a subclass), matched by the class's
   * brand rather than by prototype, so that errors of duplicate installs match too.
   */
  static isInstance<T>(this: abstract new (...args: never[]) => T, value: unknown): value is T {
    const brand = Object.hasOwn(this, CLASS_BRAND) ? (this as unknown as Record<symbol, symbol>)[CLASS_BRAND]! : undefined;
    if (brand === undefined) throw new TypeError(`${this.name} was not branded: call brandError(${this.name}, …) after its declaration`);
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brand] === true;
  }
}

/**
 * Gives `errorClass` its own brand, `Symbol.for(id)`: its instances (and its subclasses')
 * carry it, and `errorClass.isInstance()` checks for it. `id` must be unique and stable across
 * versions, such as `@gpt4all/download:ChecksumError`.
 */
export function brandError(errorClass: abstract new (...args: never[]) => Gpt4AllError, id: string): void {
  brand(errorClass, Symbol.for(id));
}

function brand(errorClass: abstract new (...args: never[]) => Gpt4AllError, symbol: symbol): void {
  Object.defineProperty(errorClass.prototype, symbol, { value: true });
  Object.defineProperty(errorClass, CLASS_BRAND, { value: symbol });
}

brand(Gpt4AllError, BASE_BRAND);
// `SomeError.isInstance` is read through this getter, which every subclass inherits: it returns
// the check bound to the class it was read from, so `errors.filter(SomeError.isInstance)` works.
const check = Gpt4AllError.isInstance;
Object.defineProperty(Gpt4AllError, 'isInstance', {
  get(this: typeof Gpt4AllError) {
    return check.bind(this);
  },
});
