/**
 * Electron IPC glue: one `ipcMain.handle` per invoke channel of the contract, each relaying to the
 * host worker through a `HostClient`, and host events forwarded to every window with
 * `webContents.send(channel, payload)`. Main's thread only relays; the engine runs in the worker.
 *
 * Invariants:
 * - The handler table is typed `{ [K in InvokeChannel]: … }`: a channel missing here is a compile
 *   error, and `registerIpcHandlers` refuses a table whose keys differ from `INVOKE_CHANNELS`.
 * - Handlers answer with a contract `Reply` and never throw (a thrown error would cross IPC as an
 *   untyped string); the preload turns `{ ok: false }` into a rejected `EchoRemoteError`.
 * - Requests from a frame other than the app's own renderer get `Forbidden` and never reach the host.
 * - `echo:world.load` from the renderer may name only a built-in world or a file the user picked in
 *   File → Open World…: a compromised renderer cannot make main execute an arbitrary file.
 */
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { EVENT_CHANNELS, INVOKE_CHANNELS, type ErrorDto, type EventChannel, type InvokeChannel, type Reply } from '../../engine/contract/index';
import { envelopes } from '../../engine/contract/chunked';

/** Relays one request to the engine host (a `HostClient`'s `invoke`). */
export type Relay = (channel: InvokeChannel, payload: unknown) => Promise<Reply<InvokeChannel>>;

/** What `ipcMain.handle` gets for channel `K`. */
export type IpcHandler<K extends InvokeChannel> = (event: IpcMainInvokeEvent, payload: unknown) => Promise<Reply<K>>;

/** One handler per invoke channel: a missing channel does not compile. */
export type IpcHandlerTable = { [K in InvokeChannel]: IpcHandler<K> };

/** Built-in world names (main/worlds/loader.ts `BUILTIN_WORLDS`; test/main asserts they agree). */
export const BUILTIN_WORLD_NAMES: readonly string[] = ['demo', 'dind', 'motion'];

export interface IpcPolicy {
  /** True when the request comes from the app's own renderer frame. */
  isTrustedSender(event: IpcMainInvokeEvent): boolean;
  /** True when the renderer may ask the host to load this world. */
  isAllowedWorld(world: string): boolean;
}

function forbidden(message: string): { ok: false; error: ErrorDto } {
  return { ok: false, error: { code: 'Forbidden', message } };
}

/** Builds the handler table over `relay`, applying `policy` before anything is relayed. */
export function makeIpcHandlers(relay: Relay, policy: IpcPolicy): IpcHandlerTable {
  const pass =
    <K extends InvokeChannel>(channel: K): IpcHandler<K> =>
    async (event, payload) => {
      if (!policy.isTrustedSender(event)) return forbidden(`${channel}: request from an untrusted frame`);
      return (await relay(channel, payload)) as Reply<K>;
    };
  return {
    'echo:world.load': async (event, payload): Promise<Reply<'echo:world.load'>> => {
      if (!policy.isTrustedSender(event)) return forbidden('echo:world.load: request from an untrusted frame');
      const world = (payload as { world?: unknown } | null)?.world;
      if (typeof world === 'string' && !policy.isAllowedWorld(world)) {
        return forbidden(`echo:world.load: "${world.slice(0, 200)}" is not a built-in world; open world files with File → Open World…`);
      }
      return (await relay('echo:world.load', payload)) as Reply<'echo:world.load'>;
    },
    'echo:world.info': pass('echo:world.info'),
    'echo:graph.snapshot': pass('echo:graph.snapshot'),
    'echo:tick.step': pass('echo:tick.step'),
    'echo:tick.play': pass('echo:tick.play'),
    'echo:tick.pause': pass('echo:tick.pause'),
    'echo:tick.detail': pass('echo:tick.detail'),
    'echo:timeline.get': pass('echo:timeline.get'),
    'echo:timeline.seek': pass('echo:timeline.seek'),
    'echo:timeline.fork': pass('echo:timeline.fork'),
    'echo:timeline.switch': pass('echo:timeline.switch'),
    'echo:timeline.verify': pass('echo:timeline.verify'),
    'echo:timeline.mergePreview': pass('echo:timeline.mergePreview'),
    'echo:timeline.merge': pass('echo:timeline.merge'),
    'echo:timeline.diverge': pass('echo:timeline.diverge'),
    'echo:query.node': pass('echo:query.node'),
    'echo:query.diff': pass('echo:query.diff'),
    'echo:query.blame': pass('echo:query.blame'),
    'echo:session.export': pass('echo:session.export'),
    'echo:session.import': pass('echo:session.import'),
    'echo:determinism.check': pass('echo:determinism.check'),
    'echo:query.edge': pass('echo:query.edge'),
    'echo:edit.apply': pass('echo:edit.apply'),
    'echo:intent.ingest': pass('echo:intent.ingest'),
    'echo:op.cancel': pass('echo:op.cancel'),
  };
}

/** Registers the table with `ipcMain`; returns a function that removes every handler. @throws on a table that differs from INVOKE_CHANNELS */
export function registerIpcHandlers(ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>, table: IpcHandlerTable): () => void {
  const keys = Object.keys(table).sort();
  const want = [...INVOKE_CHANNELS].sort();
  if (keys.length !== want.length || keys.some((k, i) => k !== want[i])) {
    throw new Error(`IPC handler table does not match INVOKE_CHANNELS: ${keys.join(', ')}`);
  }
  for (const channel of INVOKE_CHANNELS) ipcMain.handle(channel, table[channel] as IpcHandler<InvokeChannel>);
  return () => {
    for (const channel of INVOKE_CHANNELS) ipcMain.removeHandler(channel);
  };
}

type Sendable = Pick<WebContents, 'send'> & { isDestroyed?: () => boolean };

/** Message numbers of events sent in pieces (they only need to differ between pending messages). */
let nextPieceMessage = 1;

/**
 * Sends one host event to every live target (only contract event channels pass). A big payload (a
 * 100k-entity tick delta) goes as `PieceEnvelope`s of `CHUNK_ITEMS` array items, in order on the
 * same channel: the renderer then clones and copies it across contextBridge part by part, in many
 * short tasks, not in one long one (renderer/bridge/index.ts `fromPreload` reassembles them).
 */
export function forwardEvent(targets: Iterable<Sendable>, channel: string, payload: unknown): void {
  if (!(EVENT_CHANNELS as readonly string[]).includes(channel)) return;
  const live = [...targets].filter((wc) => !wc.isDestroyed?.());
  if (live.length === 0) return;
  const messages = envelopes(nextPieceMessage++, payload);
  for (const wc of live) for (const m of messages) wc.send(channel as EventChannel, m);
}

/** True when `url` is the app's own renderer: the built index.html, or the dev server's origin. */
export function isRendererUrl(url: string, rendererFileUrl: string, devOrigin: string | null): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.protocol === 'file:') return `${u.protocol}//${u.host}${u.pathname}` === rendererFileUrl;
  return devOrigin !== null && u.origin === devOrigin;
}
