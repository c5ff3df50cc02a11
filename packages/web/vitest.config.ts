import { defineConfig } from 'vitest/config';

// The pure logic's unit tests. markdown.test.ts asks for jsdom itself (DOMPurify needs a DOM,
// and does not work in happy-dom).
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
  },
});
