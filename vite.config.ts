import { defineConfig } from 'vite';

/**
 * The web app: one page (index.html) that will host the node in a worker.
 * Everything listens on 127.0.0.1 only; `npm start` picks the port (PORT).
 */
export default defineConfig({
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1', port: 8008 },
  build: { target: 'es2022' },
  worker: { format: 'es' },
});
