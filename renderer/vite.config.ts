// Builds the renderer into dist/renderer. base './' so the same bundle loads from the
// headless host (http://127.0.0.1:PORT/) and from Electron (a file or custom protocol).
import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: here,
  base: './',
  // No React plugin: Oxc compiles TSX with the automatic runtime; no fast refresh needed.
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  build: {
    outDir: fileURLToPath(new URL('../dist/renderer', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 2000,
    sourcemap: true,
  },
  worker: { format: 'es' },
  server: { port: 5173, strictPort: false },
});
