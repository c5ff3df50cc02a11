import { describe, expect, it } from 'vitest';
import { strftime } from './strftime.js';

// Expected texts are what Python's `datetime(...).strftime(format)` prints in the C locale.
describe('strftime', () => {
  const morning = new Date(2024, 0, 5, 9, 3, 7, 45);

  it.each([
    ['%d', '05'],
    ['%e', ' 5'],
    ['%-d', '5'],
    ['%m', '01'],
    ['%-m', '1'],
    ['%y', '24'],
    ['%Y', '2024'],
    ['%H', '09'],
    ['%I', '09'],
    ['%-I', '9'],
    ['%p', 'AM'],
    ['%M', '03'],
    ['%S', '07'],
    ['%f', '045000'],
    ['%j', '005'],
    ['%a', 'Fri'],
    ['%A', 'Friday'],
    ['%b', 'Jan'],
    ['%B', 'January'],
    ['%w', '5'],
    ['%u', '5'],
    ['%D', '01/05/24'],
    ['%F', '2024-01-05'],
    ['%T', '09:03:07'],
    ['%R', '09:03'],
    ['%%', '%'],
  ])('formats %s as Python does', (format, expected) => {
    expect(strftime(morning, format)).toBe(expected);
  });

  it('formats an evening near the end of a leap year, and keeps plain text', () => {
    expect(strftime(new Date(2024, 11, 29, 21, 45, 59), 'Today is %d %b %Y, %I:%M %p (day %j, a %A).')).toBe(
      'Today is 29 Dec 2024, 09:45 PM (day 364, a Sunday).',
    );
  });
});
