/** The main window is sandboxed and isolated, never navigates, opens no windows, loads no remote content (STYLE.md item 4). */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { resetFakeElectron, windows } from '../support/fake-electron'
import { createMainWindow, ELECTRON_CSP, hardenContents, installSessionPolicy } from '../../main/window'

afterEach(() => {
  resetFakeElectron()
})

type Listener = (...args: unknown[]) => void

describe('main window', () => {
  it('opens with contextIsolation, sandbox and no nodeIntegration, loading the built renderer', () => {
    const created: unknown = createMainWindow()
    const win = windows[windows.length - 1]!
    expect(win).toBe(created)
    const prefs = (win.options as { webPreferences: Record<string, unknown> }).webPreferences
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    })
    expect(String(prefs['preload'])).toMatch(/preload[\\/]index\.cjs$/)
    expect(win.loaded).toMatch(/renderer[\\/]index\.html$/)
  })

  it('denies window.open and prevents navigation, redirects and <webview>', () => {
    createMainWindow()
    const win = windows[windows.length - 1]!
    expect(win.windowOpenHandler?.({ url: 'https://example.invalid/' })).toEqual({ action: 'deny' })
    expect(win.windowOpenHandler?.({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' })
    for (const event of ['will-navigate', 'will-redirect', 'will-attach-webview']) {
      const listeners = win.listeners.get(event) ?? []
      expect(listeners.length, event).toBeGreaterThan(0)
      const preventDefault = vi.fn()
      for (const l of listeners) l({ preventDefault }, 'https://evil.example/')
      expect(preventDefault, event).toHaveBeenCalled()
    }
  })

  it('loads the dev server URL only when one is given', () => {
    createMainWindow({ devUrl: 'http://localhost:5173/' })
    expect(windows[windows.length - 1]!.loaded).toBe('http://localhost:5173/')
  })

  it('hardenContents covers any web contents (app-wide web-contents-created hook)', () => {
    const on = new Map<string, Listener>()
    let opener: (() => unknown) | undefined
    hardenContents({
      on: ((e: string, l: Listener) => on.set(e, l)) as never,
      setWindowOpenHandler: ((h: () => unknown) => (opener = h)) as never,
    })
    expect([...on.keys()].sort()).toEqual(['will-attach-webview', 'will-navigate', 'will-redirect'])
    expect(opener?.()).toEqual({ action: 'deny' })
  })
})

describe('session policy', () => {
  function fakeSession() {
    const s = {
      permission: undefined as undefined | ((wc: unknown, p: string, cb: (ok: boolean) => void) => void),
      check: undefined as undefined | (() => boolean),
      before: undefined as undefined | { filter: { urls: string[] }; fn: (d: { url: string }, cb: (r: { cancel: boolean }) => void) => void },
      headers: undefined as undefined | ((d: { responseHeaders: Record<string, string[]> }, cb: (r: { responseHeaders: Record<string, string[]> }) => void) => void),
    }
    const ses = {
      setPermissionRequestHandler: (h: typeof s.permission) => (s.permission = h),
      setPermissionCheckHandler: (h: typeof s.check) => (s.check = h),
      webRequest: {
        onBeforeRequest: (filter: { urls: string[] }, fn: NonNullable<typeof s.before>['fn']) => (s.before = { filter, fn }),
        onHeadersReceived: (fn: typeof s.headers) => (s.headers = fn),
      },
    }
    return { s, ses: ses as never }
  }

  it('grants no permission, cancels every remote request and adds a strict CSP header', () => {
    const { s, ses } = fakeSession()
    installSessionPolicy(ses, null)
    let granted: boolean | undefined
    s.permission!(null, 'media', (ok) => (granted = ok))
    expect(granted).toBe(false)
    expect(s.check!()).toBe(false)
    expect(s.before!.filter.urls).toEqual(expect.arrayContaining(['http://*/*', 'https://*/*', 'ws://*/*', 'wss://*/*']))
    for (const url of ['https://cdn.example/x.js', 'http://127.0.0.1:8080/', 'wss://evil.example/']) {
      let cancel: boolean | undefined
      s.before!.fn({ url }, (r) => (cancel = r.cancel))
      expect(cancel, url).toBe(true)
    }
    let headers: Record<string, string[]> | undefined
    s.headers!({ responseHeaders: { 'X-Other': ['1'] } }, (r) => (headers = r.responseHeaders))
    expect(headers!['Content-Security-Policy']).toEqual([ELECTRON_CSP])
    expect(ELECTRON_CSP).toContain("default-src 'none'")
    expect(ELECTRON_CSP).toContain("script-src 'self'")
    expect(ELECTRON_CSP).not.toMatch(/unsafe-eval|https?:|\*/)
  })

  it('lets through only the dev server origin in dev mode', () => {
    const { s, ses } = fakeSession()
    installSessionPolicy(ses, 'http://localhost:5173')
    const verdict = (url: string) => {
      let cancel: boolean | undefined
      s.before!.fn({ url }, (r) => (cancel = r.cancel))
      return cancel
    }
    expect(verdict('http://localhost:5173/src/main.tsx')).toBe(false)
    expect(verdict('http://localhost:5174/')).toBe(true)
    expect(verdict('https://example.com/')).toBe(true)
  })
})
