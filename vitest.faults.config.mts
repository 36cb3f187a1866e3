import { fileURLToPath } from 'node:url';
import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

// `npm run test:faults`: the fault-injection suite (tests/faults), minutes long, one file at a
// time. FAULTS_SHORT=1 is the CI version (one kill, 10 s outages).
export default defineConfig({
  plugins: [swc.vite({ module: { type: 'es6' } })],
  resolve: {
    alias: {
      '@estate-watch/contracts': fileURLToPath(new URL('./libs/contracts/src/index.ts', import.meta.url)),
      '@estate-watch/domain': fileURLToPath(new URL('./libs/domain/src/index.ts', import.meta.url)),
      '@estate-watch/firmware-sim': fileURLToPath(new URL('./firmware-sim/src/index.ts', import.meta.url)),
    },
  },
  test: {
    name: 'faults',
    include: ['tests/faults/**/*.fault.ts'],
    testTimeout: 1_200_000,
    hookTimeout: 300_000,
    fileParallelism: false,
    reporters: ['verbose'],
  },
});
