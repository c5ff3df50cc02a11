import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const sourceDirectory = dirname(fileURLToPath(import.meta.url));

function sourceFiles(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [path] : [];
  });
}

describe('library sources', () => {
  const files = sourceFiles(sourceDirectory);

  it('exist', () => {
    expect(files.length).toBeGreaterThan(10);
  });

  it('use no Node.js modules or globals', () => {
    const offenders = files.filter((file) => {
      const text = readFileSync(file, 'utf8');
      return /from\s+['"](node:|fs['"]|path['"]|crypto['"])|require\(|\bprocess\.|\bBuffer\b|__dirname/.test(text);
    });
    expect(offenders).toEqual([]);
  });
});
