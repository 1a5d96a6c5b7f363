import path from 'node:path';
import { defineConfig } from 'vite';

// No React plugin: Vite compiles TSX itself (jsx: react-jsx from tsconfig).
// We only lose fast refresh in development, and keep one dependency fewer.
export default defineConfig({
  root: path.resolve(import.meta.dirname),
  base: '/',
  build: { outDir: path.resolve(import.meta.dirname, 'dist'), emptyOutDir: true, sourcemap: true },
  server: { proxy: { '/api': 'http://127.0.0.1:3000', '/healthz': 'http://127.0.0.1:3000' } },
  oxc: { jsx: { runtime: 'automatic' } },
});
