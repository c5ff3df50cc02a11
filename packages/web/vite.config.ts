import preact from '@preact/preset-vite';
import { gzipSync } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';

/** Prints the gzip size of everything built, and fails the build over the app's budget of 300 KB. */
function gzipTotal(): Plugin {
  return {
    name: 'gzip-total',
    apply: 'build',
    generateBundle(_options, bundle) {
      let total = 0;
      for (const file of Object.values(bundle)) {
        total += gzipSync(file.type === 'chunk' ? file.code : file.source).length;
      }
      this.info(`gzip total: ${(total / 1000).toFixed(1)} kB (budget 300 kB)`);
      if (total > 300_000) this.error(`The app is ${(total / 1000).toFixed(1)} kB gzipped, over its 300 kB budget.`);
    },
  };
}

// Served by `gpt4all serve` at `/`: relative asset URLs keep it working under any mount path.
export default defineConfig({
  base: './',
  plugins: [preact(), gzipTotal()],
  // `vite` (dev) passes the API to a running `gpt4all serve` (default port 4891).
  server: {
    proxy: { '/api': 'http://127.0.0.1:4891', '/v1': 'http://127.0.0.1:4891' },
  },
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    emptyOutDir: true,
    // Wide enough for every current browser; no legacy polyfills.
    target: 'es2022',
    reportCompressedSize: true,
  },
});
