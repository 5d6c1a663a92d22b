// Vitest config of the end-to-end suite (`npm run test:e2e`): the built renderer in headless
// Debian Chromium against browser mode. Kept apart from the unit suite (vitest.config.ts), whose
// `test/**/*.test.ts` pattern does not match `*.e2e.ts`.
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    include: ['test/e2e/**/*.e2e.ts'],
    environment: 'node',
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 90_000,
    reporters: ['default'],
  },
})
