/**
 * The main window and the web-content hardening every window gets (STYLE.md item 4; Electron's
 * security checklist).
 *
 * Invariants:
 * - `contextIsolation: true`, `sandbox: true`, `nodeIntegration: false` (and no node in workers or
 *   subframes, no <webview>), fixed here and nowhere else.
 * - The renderer never navigates and never opens windows: `will-navigate`/`will-redirect` are
 *   prevented, `setWindowOpenHandler` denies, `<webview>` attachment is prevented.
 * - No remote content: the session cancels every http(s)/ws(s) request except to the dev server,
 *   grants no permission, and sends a strict Content-Security-Policy with every response (the built
 *   index.html also carries it as a meta tag, which is what applies to file:// pages).
 */
import { join } from 'node:path';
import { BrowserWindow, type Session, type WebContents, type WebPreferences } from 'electron';

/** Built preload and renderer, relative to the bundled main (out/main/index.js). */
export const PRELOAD_PATH = join(import.meta.dirname, '../preload/index.cjs');
export const RENDERER_HTML = join(import.meta.dirname, '../renderer/index.html');

/** The Content-Security-Policy of the Electron renderer: only the app's own files. */
export const ELECTRON_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The window's web preferences: fixed, never relaxed. */
export function secureWebPreferences(preload: string): WebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    spellcheck: false,
  };
}

type Contents = Pick<WebContents, 'on' | 'setWindowOpenHandler'>;

/** Blocks navigation, redirects, new windows and <webview> for one web contents. */
export function hardenContents(contents: Contents): void {
  const deny = (event: { preventDefault(): void }) => event.preventDefault();
  contents.on('will-navigate', deny);
  contents.on('will-redirect', deny);
  contents.on('will-attach-webview', deny);
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

/**
 * Session policy: strict CSP header on every response, no permissions, and no request leaves the
 * app except to `devOrigin` (the electron-vite dev server, when one is used).
 */
export function installSessionPolicy(ses: Pick<Session, 'webRequest' | 'setPermissionRequestHandler' | 'setPermissionCheckHandler'>, devOrigin: string | null): void {
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.webRequest.onBeforeRequest({ urls: ['http://*/*', 'https://*/*', 'ws://*/*', 'wss://*/*'] }, (details, callback) => {
    let origin = '';
    try {
      origin = new URL(details.url).origin;
    } catch {
      // unparsable: cancel below
    }
    callback({ cancel: devOrigin === null || origin !== devOrigin });
  });
  if (devOrigin === null) {
    // Dev mode serves Vite's client with inline preambles; the meta CSP of index.html still applies.
    ses.webRequest.onHeadersReceived((details, callback) => {
      callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [ELECTRON_CSP] } });
    });
  }
}

export interface MainWindowOptions {
  readonly preload?: string;
  readonly rendererHtml?: string;
  /** The electron-vite dev server URL (never in a packaged app). */
  readonly devUrl?: string | null;
}

/** Opens the main window on the built renderer (or the dev server). */
export function createMainWindow(opts: MainWindowOptions = {}): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 800,
    show: true,
    title: 'Echo Studio',
    backgroundColor: '#1e1e1e',
    webPreferences: secureWebPreferences(opts.preload ?? PRELOAD_PATH),
  });
  hardenContents(win.webContents);
  if (opts.devUrl) void win.loadURL(opts.devUrl);
  else void win.loadFile(opts.rendererHtml ?? RENDERER_HTML);
  return win;
}
