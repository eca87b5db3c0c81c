/**
 * Builds the browser app into dist/ (served by @openrla/server). `npm run dev -w @openrla/web` serves it
 * with hot reload and sends /api to a server started with `npm start` (port 8080).
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // USWDS's stylesheet and fonts are large but cached for a year (hashed names); keep warnings honest.
    chunkSizeWarningLimit: 1024,
  },
  server: { proxy: { '/api': 'http://127.0.0.1:8080' } },
});
