import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  resolve: {
    alias: {
      // No Electron binary here: main/preload glue runs against an in-memory fake.
      electron: fileURLToPath(new URL('./test/support/fake-electron.ts', import.meta.url)),
    },
  },
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    testTimeout: 60_000,
    reporters: ['default'],
  },
})
