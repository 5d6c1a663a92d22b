/**
 * The renderer's one door to the engine host: `getBridge()` returns `window.echo` (the Electron
 * preload) when present, else a WebSocket bridge to the browser-mode server that served this page
 * (token from the page URL's `?token=`) — with the socket in a worker where workers exist, so
 * decoding big frames never blocks the UI thread. Everything above it is the same code in both
 * modes.
 *
 * Invariants: whichever transport, a failed request rejects with an `EchoRemoteError` carrying the
 * host's `code` (the preload's errors lose custom fields crossing contextBridge, so their
 * `[Code] message` text is parsed back here).
 */
import { EchoRemoteError, type EchoBridge, type InvokeChannel, type Req, type Res } from '../../engine/contract/ipc';
import { Assembler, isPieceEnvelope } from '../../engine/contract/chunked';
import { createWsBridge } from './wsBridge';
import { createPortBridge, type ToWorker } from './workerBridge';

export { createWsBridge, type WsBridge, type WebSocketLike } from './wsBridge';
export { EchoRemoteError } from '../../engine/contract/ipc';
export type { EchoBridge } from '../../engine/contract/ipc';

declare global {
  interface Window {
    /** Set by the Electron preload; absent in browser mode. */
    echo?: EchoBridge;
  }
}

const CODED = /^\[([A-Za-z][\w.-]{0,63})\] ([\s\S]*)$/;

/** Any rejection from a bridge as an `EchoRemoteError` with its code. */
export function toRemoteError(e: unknown): EchoRemoteError {
  if (e instanceof EchoRemoteError) {
    const m = CODED.exec(e.message);
    return m && m[1] === e.code ? new EchoRemoteError(e.code, m[2]!) : e;
  }
  const message = e instanceof Error ? e.message : String(e);
  const m = CODED.exec(message);
  return m ? new EchoRemoteError(m[1]!, m[2]!) : new EchoRemoteError('IpcError', message);
}

/** Wraps the preload's bridge so rejections are typed `EchoRemoteError`s again. */
export function fromPreload(bridge: EchoBridge): EchoBridge {
  return {
    invoke<K extends InvokeChannel>(channel: K, req: Req<K>): Promise<Res<K>> {
      return bridge.invoke(channel, req).catch((e: unknown) => {
        throw toRemoteError(e);
      });
    },
    on: (channel, listener) => {
      // Main sends big events in pieces (main/ipc/handlers.ts forwardEvent); the listener gets
      // whole payloads only. Pieces of one message arrive in order on one channel.
      const assembler = new Assembler();
      return bridge.on(channel, ((payload: unknown) => {
        if (!isPieceEnvelope(payload)) return (listener as (p: unknown) => void)(payload);
        const r = assembler.accept(payload.echoPiece);
        if (r.done) (listener as (p: unknown) => void)(r.value);
      }) as never);
    },
  };
}

/** The browser-mode endpoint for a page location: `ws://<host>/ws` and the URL's token. */
export function wsEndpointFor(loc: { protocol: string; host: string; search: string }): { url: string; token: string | null } {
  const scheme = loc.protocol === 'https:' ? 'wss:' : 'ws:';
  return { url: `${scheme}//${loc.host}/ws`, token: new URLSearchParams(loc.search).get('token') };
}

/** A bridge whose every request fails with `error` (no host reachable from this page). */
function deadBridge(error: EchoRemoteError): EchoBridge {
  return { invoke: () => Promise.reject(error), on: () => () => {} };
}

let cached: EchoBridge | null = null;

interface WorkerLike {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (ev: { data: unknown }) => void): void;
  addEventListener(type: 'error' | 'messageerror', listener: (ev: { message?: string }) => void): void;
}

/**
 * The WebSocket bridge with its socket in a dedicated worker (workerBridge.ts): frames are decoded
 * off the UI thread and big messages reach the page in parts. Null where there are no workers.
 */
function workerWsBridge(url: string, token: string): EchoBridge | null {
  const Worker = (globalThis as { Worker?: new (u: URL, o: { type: 'module'; name?: string }) => WorkerLike }).Worker;
  if (typeof Worker !== 'function') return null;
  let worker: WorkerLike;
  try {
    worker = new Worker(new URL('./wsWorker.ts', import.meta.url), { type: 'module', name: 'echo-ws' });
  } catch {
    return null;
  }
  const bridge = createPortBridge(worker);
  worker.addEventListener('error', (ev) => bridge.fail(ev.message ?? 'error'));
  worker.addEventListener('messageerror', () => bridge.fail('a message could not be decoded'));
  worker.postMessage({ kind: 'init', url, token } satisfies ToWorker);
  return bridge;
}

/** What `getBridge` reads from the page (typed without DOM types, so Node tests can call it). */
interface PageGlobals {
  echo?: EchoBridge;
  location?: { protocol: string; host: string; search: string };
}

/** The bridge for this page (created once): the preload's `window.echo`, else WebSocket. */
export function getBridge(): EchoBridge {
  if (cached) return cached;
  const g = globalThis as PageGlobals;
  if (g.echo) {
    cached = fromPreload(g.echo);
  } else if (g.location) {
    const { url, token } = wsEndpointFor(g.location);
    cached = token
      ? (workerWsBridge(url, token) ?? createWsBridge(url, token))
      : deadBridge(new EchoRemoteError('NoToken', 'this page has no ?token=: open the URL printed by `npm start` / `npm run browser`'));
  } else {
    cached = deadBridge(new EchoRemoteError('NoHost', 'no engine host: neither window.echo nor a page location'));
  }
  return cached;
}

/** Forgets the cached bridge (tests). */
export function resetBridge(): void {
  cached = null;
}
