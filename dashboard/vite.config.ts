import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Served by the API server at `/` (src/server/dashboard-static.ts); `npm run dev` proxies /graphql to a local server.
export default defineConfig({
  plugins: [react()],
  base: '/',
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1500 },
  server: { proxy: { '/graphql': 'http://localhost:4000' } },
});
