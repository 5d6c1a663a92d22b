#!/usr/bin/env node
// `npm start` / `npm run browser`.
//
// - Where the Electron binary is installed (node_modules/electron/path.txt), `npm start` runs
//   `electron-vite preview`: build main + preload + renderer, then open the Electron window.
// - Where it is not (an offline install: electron >= 42 downloads its binary lazily, and this
//   machine cannot reach the download host), or with `--browser` (`npm run browser`), it starts
//   browser mode on the demo world: the engine host in a worker thread, the built renderer and a
//   token-guarded WebSocket on 127.0.0.1. It prints the URL and runs until Ctrl+C.
//
// The renderer is rebuilt first when out/renderer is missing or older than its sources.
// Flags (browser mode): --world <name|path>  --param k=v  --port N  --renderer <dir>
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const args = process.argv.slice(2)
const wantBrowser = args.includes('--browser') || process.env.ECHO_BROWSER === '1'
const hasElectron = existsSync(join(ROOT, 'node_modules', 'electron', 'path.txt'))
const ELECTRON_VITE = join(ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js')

/** Newest modification time under `path` (files only; skips node_modules and dot-folders). */
function newestMtime(path) {
  let st
  try {
    st = statSync(path)
  } catch {
    return 0
  }
  if (!st.isDirectory()) return st.mtimeMs
  let newest = 0
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue
    newest = Math.max(newest, newestMtime(join(path, entry.name)))
  }
  return newest
}

function rendererIsStale() {
  const built = join(ROOT, 'out', 'renderer', 'index.html')
  if (!existsSync(built)) return true
  const builtAt = statSync(built).mtimeMs
  const sources = ['renderer', 'engine', 'electron.vite.config.ts'].map((p) => newestMtime(join(ROOT, p)))
  return Math.max(...sources) > builtAt
}

function electronViteBuild() {
  process.stdout.write('[echo-studio] building the app (electron-vite build)…\n')
  const r = spawnSync(process.execPath, [ELECTRON_VITE, 'build', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' })
  if (r.status === 0) return
  if (existsSync(join(ROOT, 'out', 'renderer', 'index.html'))) {
    console.warn('[echo-studio] build failed: serving the previous build of the renderer')
    return
  }
  console.error('[echo-studio] build failed')
  process.exit(r.status ?? 1)
}

if (hasElectron && !wantBrowser) {
  // electron-vite preview builds everything, then launches Electron on out/main/index.js.
  const r = spawnSync(process.execPath, [ELECTRON_VITE, 'preview'], { cwd: ROOT, stdio: 'inherit' })
  process.exit(r.status ?? 1)
}

if (!wantBrowser) {
  process.stdout.write('[echo-studio] no Electron binary installed (node_modules/electron/path.txt missing): starting browser mode.\n')
}
if (process.env.ECHO_FORCE_BUILD === '1' || rendererIsStale()) electronViteBuild()

// Relative world paths are relative to where the user ran npm, not to the package root.
if (process.env.INIT_CWD) process.chdir(process.env.INIT_CWD)

const { register } = await import('tsx/esm/api')
register()
const { runBrowserMode } = await import(new URL('../main/browser/cli.ts', import.meta.url).href)
try {
  await runBrowserMode(args)
} catch (e) {
  console.error(`[echo-studio] browser mode failed to start: ${e instanceof Error ? e.message : String(e)}`)
  process.exit(1)
}
