/**
 * Electron main process entry. Starts the engine host in a worker thread (`HostClient`), registers
 * one IPC handler per contract channel that relays to it, forwards host events to the windows,
 * installs the File menu and opens one sandboxed window on the built renderer.
 *
 * Invariants: this thread only relays — no engine code runs here; every web contents is hardened
 * (main/window.ts) and the default session refuses remote content.
 */
import { stat, readFile, writeFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { app, BrowserWindow, dialog, ipcMain, Menu, session, type IpcMainInvokeEvent } from 'electron';
import type { ErrorDto } from '../engine/contract/index';
import { makeFileActions, fileMenuTemplate } from './ipc/fileMenu';
import { BUILTIN_WORLD_NAMES, forwardEvent, isRendererUrl, makeIpcHandlers, registerIpcHandlers } from './ipc/handlers';
import { HostClient, type HostWorkerEntry } from './ipc/hostClient';
import { createMainWindow, hardenContents, installSessionPolicy, RENDERER_HTML } from './window';

export { createMainWindow } from './window';

export interface AppOptions {
  /** Start-up world (default `demo`, or `--world <spec>` on the command line). */
  readonly world?: string;
  /** Host worker override (tests). */
  readonly entry?: HostWorkerEntry;
  readonly rendererHtml?: string;
}

export interface AppHandle {
  readonly client: HostClient;
  readonly window: BrowserWindow;
  /** Opens another main window with the same options (macOS `activate`). */
  openWindow(): BrowserWindow;
  shutdown(): Promise<void>;
}

function devServerOrigin(): string | null {
  const url = process.env['ELECTRON_RENDERER_URL'];
  if (app.isPackaged || !url) return null;
  try {
    const u = new URL(url);
    return u.protocol === 'http:' && (u.hostname === 'localhost' || u.hostname === '127.0.0.1') ? u.origin : null;
  } catch {
    return null;
  }
}

function worldFromArgv(argv: readonly string[]): string | undefined {
  const i = argv.indexOf('--world');
  return i >= 0 ? argv[i + 1] : undefined;
}

/** Starts the host, the IPC relay, the menu and the window (after `app.whenReady()`). */
export async function startApp(opts: AppOptions = {}): Promise<AppHandle> {
  const devOrigin = devServerOrigin();
  const rendererHtml = opts.rendererHtml ?? RENDERER_HTML;
  const rendererFileUrl = pathToFileURL(rendererHtml).href;
  const startWorld = opts.world ?? worldFromArgv(process.argv) ?? 'demo';
  const trustedWorlds = new Set<string>([startWorld]);

  installSessionPolicy(session.defaultSession, devOrigin);
  const client = await HostClient.start({ world: startWorld, ...(opts.entry ? { entry: opts.entry } : {}) });

  const targets = () => BrowserWindow.getAllWindows().map((w) => w.webContents);
  const unsubscribe = client.onEvent((channel, payload) => forwardEvent(targets(), channel, payload));
  const notify = (error: ErrorDto) => forwardEvent(targets(), 'echo:error', error);

  const unregister = registerIpcHandlers(
    ipcMain,
    makeIpcHandlers((channel, payload) => client.invoke(channel, payload), {
      isTrustedSender: (event: IpcMainInvokeEvent) => {
        const url = event.senderFrame?.url;
        return typeof url === 'string' && isRendererUrl(url, rendererFileUrl, devOrigin);
      },
      isAllowedWorld: (world) => BUILTIN_WORLD_NAMES.includes(world) || trustedWorlds.has(world),
    }),
  );

  const actions = makeFileActions({
    showOpenDialog: (o) => dialog.showOpenDialog(o),
    showSaveDialog: (o) => dialog.showSaveDialog(o),
    invoke: (channel, payload) => client.invoke(channel, payload),
    readFile: (p) => readFile(p),
    writeFile: (p, b) => writeFile(p, b),
    fileSize: async (p) => (await stat(p)).size,
    notify,
    trustWorld: (p) => trustedWorlds.add(p),
  });
  Menu.setApplicationMenu(Menu.buildFromTemplate(fileMenuTemplate(actions)));

  const openWindow = () => createMainWindow({ rendererHtml, devUrl: devOrigin ? process.env['ELECTRON_RENDERER_URL'] : null });
  const window = openWindow();
  return {
    client,
    window,
    openWindow,
    async shutdown() {
      unsubscribe();
      unregister();
      await client.close();
    },
  };
}

/** Wires the app lifecycle; returns the handle once the first window is open. */
export function main(): Promise<AppHandle> {
  app.on('web-contents-created', (_event, contents) => hardenContents(contents));
  const started = app.whenReady().then(() => startApp());
  started.then(
    (handle) => {
      app.on('activate', () => {
        if (BrowserWindow.getAllWindows().length === 0) handle.openWindow();
      });
      app.on('will-quit', () => void handle.shutdown());
    },
    (e: unknown) => {
      dialog.showErrorBox('Echo Studio could not start', e instanceof Error ? e.message : String(e));
      app.quit();
    },
  );
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  return started;
}

// The Electron entry runs itself; tests import the module with ECHO_NO_AUTOSTART=1 and call startApp.
export const running: Promise<AppHandle> | null = process.env['ECHO_NO_AUTOSTART'] === '1' ? null : main();
