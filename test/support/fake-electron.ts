/**
 * In-memory stand-in for the `electron` module, used by vitest through `resolve.alias`
 * (vitest.config.ts). No Electron binary can run on the reference machine, so main/preload glue
 * is tested against this fake: it records IPC handlers, created windows and bridge exposures.
 *
 * Keep exactly one module here: a sibling `fake-electron.mjs` would be resolved first by Vite and
 * give tests a second, different module instance.
 */
type IpcHandler = (event: unknown, ...args: unknown[]) => unknown
type Listener = (...args: unknown[]) => void

/** IPC handlers registered through `ipcMain.handle`, by channel. */
export const handlers = new Map<string, IpcHandler>()

/** Messages main pushed to renderers through `webContents.send`, in order. */
export const sent: Array<{ channel: string; args: unknown[] }> = []

/** Everything preloads exposed through `contextBridge.exposeInMainWorld`, by key. */
export const exposed = new Map<string, unknown>()

/** Calls the handler registered for `channel`, as a renderer's `ipcRenderer.invoke` would. */
export async function invoke(channel: string, ...args: unknown[]): Promise<unknown> {
  const handler = handlers.get(channel)
  if (!handler) throw new Error(`fake-electron: no handler registered for '${channel}'`)
  return handler({ sender: null }, ...args)
}

interface FakeIpcMain {
  handle(channel: string, handler: IpcHandler): void
  removeHandler(channel: string): void
  on(channel: string, listener: Listener): FakeIpcMain
}
interface FakeIpcRenderer {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>
  on(channel: string, listener: Listener): FakeIpcRenderer
  removeListener(channel: string, listener: Listener): FakeIpcRenderer
}
interface FakeApp {
  isPackaged: boolean
  whenReady(): Promise<void>
  on(event: string, listener: Listener): FakeApp
  quit(): void
  getPath(name: string): string
}

export const ipcMain: FakeIpcMain = {
  handle(channel: string, handler: IpcHandler): void {
    if (handlers.has(channel)) throw new Error(`fake-electron: second handler for '${channel}'`)
    handlers.set(channel, handler)
  },
  removeHandler(channel: string): void {
    handlers.delete(channel)
  },
  on() {
    return ipcMain
  },
}

export const ipcRenderer: FakeIpcRenderer = {
  invoke: (channel: string, ...args: unknown[]): Promise<unknown> => invoke(channel, ...args),
  on() {
    return ipcRenderer
  },
  removeListener() {
    return ipcRenderer
  },
}

export const contextBridge = {
  exposeInMainWorld(key: string, api: unknown): void {
    exposed.set(key, api)
    ;(globalThis as Record<string, unknown>)[key] = api
  },
}

/** Every BrowserWindow constructed since the last `resetFakeElectron()`. */
export const windows: BrowserWindow[] = []

export class BrowserWindow {
  static getAllWindows(): BrowserWindow[] {
    return [...windows]
  }

  loaded: string | undefined
  readonly listeners = new Map<string, Listener[]>()
  windowOpenHandler: ((details: { url: string }) => { action: 'allow' | 'deny' }) | undefined
  readonly webContents = {
    send: (channel: string, ...args: unknown[]): void => {
      sent.push({ channel, args })
    },
    on: (event: string, listener: Listener): void => {
      const list = this.listeners.get(event) ?? []
      list.push(listener)
      this.listeners.set(event, list)
    },
    setWindowOpenHandler: (
      handler: (details: { url: string }) => { action: 'allow' | 'deny' },
    ): void => {
      this.windowOpenHandler = handler
    },
  }

  constructor(readonly options: unknown) {
    windows.push(this)
  }

  loadURL(url: string): Promise<void> {
    this.loaded = url
    return Promise.resolve()
  }

  loadFile(file: string): Promise<void> {
    this.loaded = file
    return Promise.resolve()
  }
}

export const app: FakeApp = {
  isPackaged: false,
  whenReady: (): Promise<void> => Promise.resolve(),
  on() {
    return app
  },
  quit(): void {},
  getPath: (): string => '/tmp',
}

export const shell = {
  openExternal: (): Promise<void> => Promise.resolve(),
}

/** Clears all recorded state; call from `afterEach` in tests that import main or preload. */
export function resetFakeElectron(): void {
  handlers.clear()
  sent.length = 0
  exposed.clear()
  windows.length = 0
}

export default { app, BrowserWindow, contextBridge, ipcMain, ipcRenderer, shell }
