/**
 * The `EchoBridge` over WebSocket, for browser mode (main/browser/server.ts). Same contract as the
 * Electron preload: `invoke` resolves with the host's value or rejects with `EchoRemoteError`;
 * `on` subscribes to pushed events and returns an unsubscribe function.
 *
 * Wire: sends `{ id, channel, payload }`; receives `{ id, reply }` and `{ event, payload }`.
 * No reconnect: when the socket closes, pending and later requests reject with `Disconnected`
 * and `echo:error` listeners hear about it once.
 *
 * Uses only what browsers and the `ws` package share (no DOM or Node types), so it runs in the page
 * and in Node tests alike.
 */
import { EchoRemoteError, EVENT_CHANNELS, INVOKE_CHANNELS, type EchoBridge, type InvokeChannel, type Reply, type Req, type Res } from '../../engine/contract/ipc';
import { markLatest, PERF } from '../perf';
import { createEventListeners } from './eventListeners';

/** The subset of the WebSocket API the bridge uses. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open' | 'close' | 'error', listener: () => void): void;
  addEventListener(type: 'message', listener: (ev: { data: unknown }) => void): void;
}

export interface WsBridgeOptions {
  /** Opens the socket (default: the global `WebSocket`). Tests pass the `ws` client here. */
  readonly connect?: (url: string) => WebSocketLike;
}

/** A WebSocket bridge, plus `close()` to drop the connection. */
export interface WsBridge extends EchoBridge {
  close(): void;
}

const OPEN = 1;
const INVOKE = new Set<string>(INVOKE_CHANNELS);
const EVENTS = new Set<string>(EVENT_CHANNELS);

type Pending = { resolve: (v: unknown) => void; reject: (e: EchoRemoteError) => void };

/** Connects to `url` (the server's `/ws` endpoint) with the page's `token`. */
export function createWsBridge(url: string, token: string, opts: WsBridgeOptions = {}): WsBridge {
  const target = new URL(url);
  target.searchParams.set('token', token);
  const connect =
    opts.connect ??
    ((u: string) => {
      const Ctor = (globalThis as { WebSocket?: new (u: string) => WebSocketLike }).WebSocket;
      if (!Ctor) throw new EchoRemoteError('Unsupported', 'this environment has no WebSocket');
      return new Ctor(u);
    });
  const ws = connect(target.href);
  const pending = new Map<number, Pending>();
  const queue: string[] = [];
  let nextId = 1;
  let closed: EchoRemoteError | null = null;

  const events = createEventListeners();
  const dispatch = events.dispatch;

  ws.addEventListener('open', () => {
    for (const text of queue.splice(0)) ws.send(text);
  });
  ws.addEventListener('message', (ev) => {
    markLatest(PERF.frame);
    let msg: { id?: unknown; reply?: Reply<InvokeChannel>; event?: unknown; payload?: unknown };
    try {
      msg = JSON.parse(typeof ev.data === 'string' ? ev.data : String(ev.data));
    } catch {
      return;
    }
    if (typeof msg.id === 'number' && msg.reply) {
      const p = pending.get(msg.id);
      if (!p) return;
      pending.delete(msg.id);
      const r = msg.reply;
      if (r.ok === true) p.resolve(r.value);
      else p.reject(new EchoRemoteError(String(r.error?.code ?? 'HostError'), String(r.error?.message ?? 'request failed')));
    } else if (typeof msg.event === 'string' && EVENTS.has(msg.event)) {
      dispatch(msg.event, msg.payload);
    }
  });
  const onGone = () => {
    if (closed) return;
    closed = new EchoRemoteError('Disconnected', 'the connection to the engine host closed; reload the page');
    for (const p of pending.values()) p.reject(closed);
    pending.clear();
    queue.length = 0;
    dispatch('echo:error', { code: closed.code, message: closed.message });
  };
  ws.addEventListener('close', onGone);
  ws.addEventListener('error', onGone);

  return {
    invoke<K extends InvokeChannel>(channel: K, req: Req<K>): Promise<Res<K>> {
      if (typeof channel !== 'string' || !INVOKE.has(channel)) return Promise.reject(new EchoRemoteError('UnknownChannel', `not an invoke channel: ${String(channel).slice(0, 60)}`));
      if (closed) return Promise.reject(closed);
      const id = nextId++;
      let text: string;
      try {
        text = JSON.stringify({ id, channel, payload: req });
      } catch (e) {
        return Promise.reject(new EchoRemoteError('BadRequest', `payload is not JSON: ${e instanceof Error ? e.message : String(e)}`));
      }
      return new Promise<Res<K>>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        if (ws.readyState === OPEN) ws.send(text);
        else queue.push(text);
      });
    },
    on: events.on,
    close() {
      ws.close(1000, 'bye');
      onGone();
    },
  };
}
