// electron-vite: main (with the engine host worker as its own entry via `?modulePath`), a sandboxed
// preload bundled to CommonJS with everything inlined, and the renderer from src/renderer to out/renderer
// (the same build `braid serve` serves).
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  main: {
    build: {
      // Dependencies stay outside the bundle, loaded from node_modules: ccxt imports undici dynamically
      // (hidden from bundlers) and would silently fall back to global fetch if bundled; @stoqey/ib is
      // CommonJS with an rxjs peer.
      externalizeDeps: true,
      outDir: here('./out/main'),
      rollupOptions: { input: { index: here('./src/main/index.ts') } },
    },
  },
  preload: {
    build: {
      outDir: here('./out/preload'),
      // A sandboxed preload cannot require anything but electron: bundle the rest, emit CommonJS.
      externalizeDeps: false,
      rollupOptions: {
        input: { index: here('./src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
        // src/shared only defines things: what the preload does not use (the zod schemas) is left out.
        treeshake: { moduleSideEffects: (id: string) => !id.includes('/src/shared/') },
      },
    },
  },
  renderer: {
    root: here('./src/renderer'),
    base: './',
    plugins: [react()],
    build: {
      outDir: here('./out/renderer'),
      target: 'chrome120',
      chunkSizeWarningLimit: 1200,
      rollupOptions: { input: here('./src/renderer/index.html') },
    },
  },
});
