import { InvalidArgumentError } from 'commander';

/**
 * Parsers of numeric option values for commander's `argParser`: a value that is not a number in
 * range fails the parse with commander's `InvalidArgumentError`, which the CLI reports as a usage
 * error (exit status 2) before anything is loaded.
 */

/** A finite number within [min, max]. */
export function numberInRange(min: number, max = Number.POSITIVE_INFINITY): (value: string) => number {
  return (value) => {
    const number = Number(value);
    if (value.trim() === '' || Number.isNaN(number)) throw new InvalidArgumentError('not a number.');
    if (!Number.isFinite(number)) throw new InvalidArgumentError('must be a finite number.');
    if (number < min || number > max) throw new InvalidArgumentError(max === Number.POSITIVE_INFINITY ? `must be at least ${min}.` : `must be between ${min} and ${max}.`);
    return number;
  };
}

/** A whole number ≥ min (and ≤ max). */
export function integerInRange(min: number, max = Number.MAX_SAFE_INTEGER): (value: string) => number {
  return (value) => {
    const number = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(number)) throw new InvalidArgumentError('not a whole number.');
    if (number < min || number > max) throw new InvalidArgumentError(max === Number.MAX_SAFE_INTEGER ? `must be at least ${min}.` : `must be between ${min} and ${max}.`);
    return number;
  };
}

/** Collects a repeatable option (`--stop a --stop b`) into a list. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}
