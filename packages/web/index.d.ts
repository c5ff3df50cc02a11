/** Absolute path of the built web app (`index.html` and `assets/`), for a server to serve at `/`. */
export declare const webAppDir: string;
