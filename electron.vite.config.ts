import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import react from '@vitejs/plugin-react'

export default defineConfig({
  main: {
    build: {
      rolldownOptions: {
        // hostWorker: the engine host's worker thread (main/ipc/hostClient.ts starts it beside index.js).
        input: { index: resolve(__dirname, 'main/index.ts'), hostWorker: resolve(__dirname, 'main/host/worker.ts') },
      },
    },
  },
  preload: {
    build: {
      rolldownOptions: {
        input: { index: resolve(__dirname, 'preload/index.ts') },
        // Sandboxed preloads (sandbox: true) must be CommonJS; the package is "type": "module",
        // so name the file .cjs to keep it unambiguous.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'renderer'),
    build: {
      rolldownOptions: {
        input: { index: resolve(__dirname, 'renderer/index.html') },
      },
    },
    plugins: [react()],
  },
})
