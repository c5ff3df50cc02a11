import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { integerInRange, numberInRange } from './parse-number.js';

const failure = (parse: (value: string) => number, value: string) => {
  try {
    parse(value);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidArgumentError);
    return (error as Error).message;
  }
  throw new Error(`${value} was accepted`);
};

describe('numeric option parsers', () => {
  it('say what is wrong: not a number, not finite, below the minimum, out of a range', () => {
    const temperature = numberInRange(0);
    expect(temperature('0.7')).toBe(0.7);
    expect(failure(temperature, 'warm')).toBe('not a number.');
    expect(failure(temperature, '')).toBe('not a number.');
    expect(failure(temperature, '1e400')).toBe('must be a finite number.');
    expect(failure(temperature, '-1')).toBe('must be at least 0.');
    expect(failure(numberInRange(0, 1), '2')).toBe('must be between 0 and 1.');
    const count = integerInRange(1);
    expect(count('3')).toBe(3);
    expect(failure(count, '1.5')).toBe('not a whole number.');
    expect(failure(count, '0')).toBe('must be at least 1.');
    expect(failure(integerInRange(1, 8), '9')).toBe('must be between 1 and 8.');
  });
});
