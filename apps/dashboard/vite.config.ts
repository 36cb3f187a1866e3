import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

const contracts = (file: string) => fileURLToPath(new URL(`../../libs/contracts/src/${file}`, import.meta.url));
const domain = (file: string) => fileURLToPath(new URL(`../../libs/domain/src/${file}`, import.meta.url));
const server = process.env.ESTATE_WATCH_SERVER ?? 'http://localhost:3000';

export default defineConfig({
  base: '/',
  plugins: [vue()],
  resolve: {
    // The dashboard reads the contracts' TypeScript sources directly: no build step, one source of truth.
    // Runtime values come from the dependency-free modules (`/alerts`, `/audit-actions`, `/live`, `/work-order-constants`); the index would
    // drag zod and yaml into the bundle, so it is imported for types only.
    alias: [
      { find: /^@estate-watch\/contracts\/(alerts|alert-text|audit-actions|labels|live|metric-text|web-constants|work-order-constants|work-order-text)$/, replacement: contracts('$1.ts') },
      { find: /^@estate-watch\/contracts$/, replacement: contracts('index.ts') },
      // The one site clock (issue 10.2): dependency-free, so the dashboard shares it without the domain's contracts import.
      { find: /^@estate-watch\/domain\/time$/, replacement: domain('time/site-clock.ts') },
      // The complaint's default department (CONTRACT §2), the server's rule too: type-only imports.
      { find: /^@estate-watch\/domain\/default-department$/, replacement: domain('work-orders/default-department.ts') },
    ],
  },
  define: {
    __VUE_I18N_FULL_INSTALL__: false,
    __VUE_I18N_LEGACY_API__: false,
    __INTLIFY_PROD_DEVTOOLS__: false,
    __VUE_PROD_DEVTOOLS__: false,
  },
  server: {
    proxy: {
      '/api': server,
      '/socket.io': { target: server, ws: true },
    },
  },
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 400 },
});
