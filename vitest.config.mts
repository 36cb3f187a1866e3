import { fileURLToPath } from 'node:url';
import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

// Tests import the libraries' TypeScript sources, so no build is needed before `npm test`.
const alias = {
  '@estate-watch/contracts': fileURLToPath(new URL('./libs/contracts/src/index.ts', import.meta.url)),
  // Before the package: the dashboard imports the site clock by this sub-path (no contracts, no zod).
  '@estate-watch/domain/time': fileURLToPath(new URL('./libs/domain/src/time/site-clock.ts', import.meta.url)),
  '@estate-watch/domain/default-department': fileURLToPath(new URL('./libs/domain/src/work-orders/default-department.ts', import.meta.url)),
  '@estate-watch/domain': fileURLToPath(new URL('./libs/domain/src/index.ts', import.meta.url)),
  '@estate-watch/firmware-sim': fileURLToPath(new URL('./firmware-sim/src/index.ts', import.meta.url)),
};

// Nest's dependency injection needs decorator metadata, which esbuild does not emit: SWC does.
const plugins = [swc.vite({ module: { type: 'es6' } })];

const serviceSuites = ['**/*.svc.test.ts'];
const browserSuites = ['tests/browser/**/*.test.ts'];

export default defineConfig({
  test: {
    projects: [
      {
        plugins,
        resolve: { alias },
        test: {
          name: 'unit',
          include: ['libs/**/*.test.ts', 'apps/server/src/**/*.test.ts', 'apps/dashboard/src/**/*.test.ts', 'firmware-sim/src/**/*.test.ts', 'tests/**/*.test.ts'],
          exclude: ['**/node_modules/**', '**/dist/**', ...serviceSuites, ...browserSuites],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        plugins,
        resolve: { alias },
        test: {
          name: 'services',
          include: serviceSuites,
          exclude: ['**/node_modules/**', '**/dist/**'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
      {
        plugins,
        resolve: { alias },
        test: {
          name: 'browser',
          include: browserSuites,
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
