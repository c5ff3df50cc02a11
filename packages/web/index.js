import { fileURLToPath } from 'node:url';

/** Absolute path of the built web app (`index.html` and `assets/`), for a server to serve at `/`. */
export const webAppDir = fileURLToPath(new URL('./dist', import.meta.url));
