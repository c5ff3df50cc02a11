import { defineConfig } from 'tsup';
import base from '../../tsup.config.base.js';

export default defineConfig({
  ...(base as object),
  // import.meta.url finds python/ and llama.cpp/ beside dist/ in the CommonJS build too.
  shims: true,
});
