/** The main window is sandboxed and isolated, and the preload exposes `window.echo` (STYLE.md item 4). */
import { afterEach, describe, expect, it } from 'vitest'
import { exposed, resetFakeElectron, windows } from '../support/fake-electron'

afterEach(() => {
  resetFakeElectron()
})

describe('main window', () => {
  it('opens with contextIsolation, sandbox and no nodeIntegration, loading the built renderer', async () => {
    const { createMainWindow } = await import('../../main/index')
    const created: unknown = createMainWindow()
    const win = windows[windows.length - 1]!
    expect(win).toBe(created)
    const prefs = (win.options as { webPreferences: Record<string, unknown> }).webPreferences
    expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false })
    expect(String(prefs['preload'])).toMatch(/preload[\\/]index\.cjs$/)
    expect(win.loaded).toMatch(/renderer[\\/]index\.html$/)
    expect(win.windowOpenHandler?.({ url: 'https://example.invalid/' })).toEqual({ action: 'deny' })
  })
})

describe('preload', () => {
  it('exposes the echo bridge', async () => {
    await import('../../preload/index')
    expect(exposed.get('echo')).toEqual({ version: '0' })
  })
})
