/**
 * Preload bridge: exposes exactly one object, `window.echo: EchoBridge`, built from the contract
 * (STYLE.md item 4). No raw `ipcRenderer`, no generic send, no fallback for disabled isolation.
 * Bundled as CommonJS (sandboxed preloads cannot load ESM); see electron.vite.config.ts.
 *
 * Invariants:
 * - `invoke` serves only `INVOKE_CHANNELS` and `on` only `EVENT_CHANNELS`; anything else is refused
 *   before IPC is touched. test/preload/ipc-channels.golden.txt lists what is exposed.
 * - A `{ ok: false, error }` reply rejects with `EchoRemoteError`. contextBridge copies only an
 *   error's message across worlds, so the message carries the code as `[Code] message`;
 *   renderer/bridge/index.ts turns it back into an `EchoRemoteError` with `code`.
 * - Event listeners get the payload only, never the `IpcRendererEvent` (which would expose `sender`).
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { EchoRemoteError, EVENT_CHANNELS, INVOKE_CHANNELS, type EchoBridge, type EventChannel, type InvokeChannel, type Reply } from '../engine/contract/ipc';

type IpcLike = Pick<typeof ipcRenderer, 'invoke' | 'on' | 'removeListener'>;

const INVOKE = new Set<string>(INVOKE_CHANNELS);
const EVENTS = new Set<string>(EVENT_CHANNELS);

/** The channels this preload exposes, sorted: `invoke <channel>` and `event <channel>` lines. */
export function exposedChannels(): string[] {
  return [...INVOKE_CHANNELS.map((c) => `invoke ${c}`), ...EVENT_CHANNELS.map((c) => `event ${c}`)].sort();
}

/** An `EchoRemoteError` whose message survives contextBridge with its code (`[Code] message`). */
export function bridgedError(code: string, message: string): EchoRemoteError {
  return new EchoRemoteError(code, `[${code}] ${message}`);
}

function describe(channel: unknown): string {
  return typeof channel === 'string' ? JSON.stringify(channel.slice(0, 60)) : typeof channel;
}

/** Builds the bridge over `ipc` (ipcRenderer in the app; a fake in tests). */
export function createIpcBridge(ipc: IpcLike): EchoBridge {
  const bridge: EchoBridge = {
    async invoke<K extends InvokeChannel>(channel: K, req: unknown) {
      if (typeof channel !== 'string' || !INVOKE.has(channel)) throw bridgedError('UnknownChannel', `not an invoke channel: ${describe(channel)}`);
      let reply: Reply<K>;
      try {
        reply = (await ipc.invoke(channel, req)) as Reply<K>;
      } catch (e) {
        throw bridgedError('IpcError', e instanceof Error ? e.message : String(e));
      }
      if (reply && reply.ok === true) return reply.value;
      const err = reply && reply.ok === false ? reply.error : { code: 'IpcError', message: 'malformed reply' };
      throw bridgedError(String(err.code), String(err.message));
    },
    on<K extends EventChannel>(channel: K, listener: (payload: never) => void) {
      if (typeof channel !== 'string' || !EVENTS.has(channel)) throw bridgedError('UnknownChannel', `not an event channel: ${describe(channel)}`);
      if (typeof listener !== 'function') throw bridgedError('BadRequest', 'listener must be a function');
      const wrapped = (_event: IpcRendererEvent, payload: unknown) => listener(payload as never);
      ipc.on(channel, wrapped);
      let subscribed = true;
      return () => {
        if (!subscribed) return;
        subscribed = false;
        ipc.removeListener(channel, wrapped);
      };
    },
  };
  return Object.freeze(bridge);
}

contextBridge.exposeInMainWorld('echo', createIpcBridge(ipcRenderer));
