// Builds the renderer into dist/renderer. base './' so the same bundle loads from the
// headless host (http://127.0.0.1:PORT/) and from Electron (a file or custom protocol).
// `--mode test` builds the end-to-end tests' bundle into dist/renderer-test instead: only
// it holds the read-only window.__skysense hook (map/test-hook.ts); what ships does not.
import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const devHost = process.env.SKYSENSE_HOST;

export default defineConfig(({ mode }) => ({
  root: here,
  base: './',
  // No React plugin: Oxc compiles TSX with the automatic runtime; no fast refresh needed.
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  build: {
    outDir: fileURLToPath(new URL(mode === 'test' ? '../dist/renderer-test' : '../dist/renderer', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 2000,
    sourcemap: true,
  },
  worker: { format: 'es' },
  // Development against a running host: SKYSENSE_HOST=http://127.0.0.1:7878 npx vite
  // --config renderer/vite.config.ts, then open http://localhost:5173/?token=<host token>.
  server: {
    port: 5173,
    strictPort: false,
    proxy: devHost ? { '/api': { target: devHost, ws: true }, '/data': { target: devHost } } : undefined,
  },
}));
