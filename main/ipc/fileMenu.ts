/**
 * File menu actions: Open World…, Open Session…, Save Session…. Each asks the user through a
 * native dialog, then calls the host over the contract (`echo:world.load`, `echo:session.import`,
 * `echo:session.export`). Failures become `echo:error` events (a non-blocking toast in the UI);
 * a broken world leaves the current one loaded (the host guarantees it).
 *
 * Invariants: the only file paths that reach the host come from these dialogs; a picked world file
 * is added to the trusted set, so the renderer may later reload it by path.
 */
import type { MenuItemConstructorOptions, OpenDialogOptions, OpenDialogReturnValue, SaveDialogOptions, SaveDialogReturnValue } from 'electron';
import type { ErrorDto, InvokeChannel, Reply } from '../../engine/contract/index';

/** Sessions larger than this are refused before reading (the contract allows 256 MiB of base64). */
export const MAX_SESSION_BYTES = 192 * 1024 * 1024;

export interface FileActionDeps {
  showOpenDialog(opts: OpenDialogOptions): Promise<OpenDialogReturnValue>;
  showSaveDialog(opts: SaveDialogOptions): Promise<SaveDialogReturnValue>;
  invoke(channel: InvokeChannel, payload: unknown): Promise<Reply<InvokeChannel>>;
  readFile(path: string): Promise<Uint8Array>;
  writeFile(path: string, bytes: Uint8Array): Promise<void>;
  fileSize(path: string): Promise<number>;
  /** Reports a failure to the UI (an `echo:error` event). */
  notify(error: ErrorDto): void;
  /** Remembers a world file the user picked. */
  trustWorld(path: string): void;
}

export interface FileActions {
  openWorld(): Promise<void>;
  openSession(): Promise<void>;
  saveSession(): Promise<void>;
}

const WORLD_FILTERS = [{ name: 'Echo world', extensions: ['ts', 'mts', 'js', 'mjs'] }];
const SESSION_FILTERS = [{ name: 'Echo session', extensions: ['echo'] }];

function bytesToBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** Builds the three actions over injected dialogs, file I/O and the host. */
export function makeFileActions(deps: FileActionDeps): FileActions {
  const fail = (code: string, e: unknown) => deps.notify({ code, message: e instanceof Error ? e.message : String(e) });
  const report = (r: Reply<InvokeChannel>) => {
    if (!r.ok) deps.notify(r.error);
    return r.ok;
  };
  return {
    async openWorld() {
      const pick = await deps.showOpenDialog({ title: 'Open World', properties: ['openFile'], filters: WORLD_FILTERS });
      const path = pick.canceled ? undefined : pick.filePaths[0];
      if (!path) return;
      deps.trustWorld(path);
      report(await deps.invoke('echo:world.load', { world: path }));
    },
    async openSession() {
      const pick = await deps.showOpenDialog({ title: 'Open Session', properties: ['openFile'], filters: SESSION_FILTERS });
      const path = pick.canceled ? undefined : pick.filePaths[0];
      if (!path) return;
      try {
        const size = await deps.fileSize(path);
        if (size > MAX_SESSION_BYTES) throw new Error(`${path}: session file too large (${size} bytes)`);
        const bytes = await deps.readFile(path);
        report(await deps.invoke('echo:session.import', { bytesBase64: bytesToBase64(bytes) }));
      } catch (e) {
        fail('SessionReadFailed', e);
      }
    },
    async saveSession() {
      const pick = await deps.showSaveDialog({ title: 'Save Session', defaultPath: 'session.echo', filters: SESSION_FILTERS });
      if (pick.canceled || !pick.filePath) return;
      const r = await deps.invoke('echo:session.export', {});
      if (!report(r)) return;
      try {
        const { bytesBase64 } = (r as Reply<'echo:session.export'> & { ok: true }).value;
        await deps.writeFile(pick.filePath, Buffer.from(bytesBase64, 'base64'));
      } catch (e) {
        fail('SessionWriteFailed', e);
      }
    },
  };
}

/** The File menu (plus the standard Edit/View/Window roles the window needs). */
export function fileMenuTemplate(actions: FileActions, isMac = process.platform === 'darwin'): MenuItemConstructorOptions[] {
  const run = (f: () => Promise<void>) => () => void f();
  return [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        { label: 'Open World…', accelerator: 'CmdOrCtrl+O', click: run(actions.openWorld) },
        { type: 'separator' },
        { label: 'Open Session…', accelerator: 'CmdOrCtrl+Shift+O', click: run(actions.openSession) },
        { label: 'Save Session…', accelerator: 'CmdOrCtrl+S', click: run(actions.saveSession) },
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    { role: 'viewMenu' },
    { role: 'windowMenu' },
  ];
}
